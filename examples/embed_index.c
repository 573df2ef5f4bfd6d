/* SPDX-License-Identifier: GPL-2.0-or-later */
/* embed_index.c -- index and search in-process with libvnsearch, no daemon.
 * Build: cc embed_index.c $(pkg-config --cflags --libs vnsearch)
 * Run:   ./a.out /tmp/my-index */
#include <stdio.h>
#include <vnsearch.h>

int main(int argc, char **argv)
{
    vn_error err;
    vn_indexer *ix;
    if (argc != 2 || vn_indexer_open(argv[1], NULL, &ix, &err) != VN_OK) {
        fprintf(stderr, "usage: %s INDEXDIR (%s)\n", argv[0], argc == 2 ? err.msg : "");
        return 2;
    }
    vn_article a = {.id = "a1", .title = "Khánh Hòa đón khách", .date = "2025-06-01",
                    .body = "Khánh Hoà đón hơn một triệu lượt khách quốc tế."};
    vn_article b = {.id = "a2", .title = "Hà Nội mưa to", .body = "Sáng nay Hà Nội mưa to."};
    if (vn_indexer_add(ix, &a, &err) || vn_indexer_add(ix, &b, &err) || vn_indexer_finish(ix, &err))
        fprintf(stderr, "indexing failed: %s\n", err.msg);
    vn_indexer_close(ix);

    vn_searcher *s;
    vn_hits *h;
    if (vn_searcher_open(argv[1], &s, &err) || vn_search(s, "khanh hoa", NULL, &h, &err)) {
        fprintf(stderr, "search failed: %s\n", err.msg);
        return 1;
    }
    for (size_t i = 0; i < h->n; i++)
        printf("%s\t%s\n", h->hit[i].id, h->hit[i].title);
    vn_hits_free(h);
    vn_searcher_close(s);
    return 0;
}
