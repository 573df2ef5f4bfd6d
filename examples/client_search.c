/* SPDX-License-Identifier: GPL-2.0-or-later */
/* client_search.c -- search a running vnsearchd with libvnsearch-client.
 * Build: cc client_search.c $(pkg-config --cflags --libs vnsearch-client)
 * Run:   ./a.out 127.0.0.1 7700 "hà nội" */
#include <stdio.h>
#include <stdlib.h>
#include <vnsearch_client.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT QUERY\n", argv[0]);
        return 2;
    }
    vnc_context *c = vnc_connect(argv[1], atoi(argv[2]), 5.0);
    vnc_search_opts opts = {.limit = 3};
    vnc_result *r;
    if (!c || vnc_search(c, argv[3], &opts, &r) != VNC_OK) {
        fprintf(stderr, "search failed: %s\n", c ? c->errstr : "out of memory");
        vnc_free(c);
        return 1;
    }
    printf("%llu matches\n", (unsigned long long)r->total);
    for (size_t i = 0; i < r->n; i++)
        printf("%s\t%.2f\t%s\n", r->hits[i].id, r->hits[i].score, r->hits[i].title);
    vnc_result_free(r);
    vnc_free(c);
    return 0;
}
