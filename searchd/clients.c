/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clients.c -- the clients of both front-ends counted together, and the
 * one rule that admits a new one: max_clients in all, and
 * max_clients_per_address from one address (line-protocol connections
 * and HTTP connections alike).  The loop's only: no lock.  A linear table
 * of the addresses with clients, bounded by max_clients (the scan costs
 * what walking the connections did). */
#include "daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct vn_client_addr *find(vn_clients *t, const char *addr)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->e[i].addr, addr) == 0)
            return &t->e[i];
    return NULL;
}

const char *vn_clients_admit(vn_daemon *d, const char *addr)
{
    vn_clients *t = &d->clients;
    if (t->total >= d->cfg.max_clients)
        return "too many clients";
    struct vn_client_addr *a = addr ? find(t, addr) : NULL;
    if (addr && d->cfg.max_clients_per_address && a && a->n >= d->cfg.max_clients_per_address)
        return "too many connections from your address";
    t->total++;
    if (!addr)
        return NULL; /* a Unix socket's clients have no address to share */
    if (!a) {
        VN_GROW(t->e, t->n, t->cap, 16);
        a = &t->e[t->n++];
        snprintf(a->addr, sizeof a->addr, "%s", addr);
        a->n = 0;
    }
    a->n++;
    return NULL;
}

void vn_clients_leave(vn_daemon *d, const char *addr)
{
    vn_clients *t = &d->clients;
    if (t->total)
        t->total--;
    struct vn_client_addr *a = addr ? find(t, addr) : NULL;
    if (a && --a->n == 0)
        *a = t->e[--t->n]; /* the last entry takes its place */
}

void vn_clients_free(vn_daemon *d)
{
    free(d->clients.e);
    memset(&d->clients, 0, sizeof d->clients);
}
