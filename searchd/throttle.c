/* SPDX-License-Identifier: GPL-2.0-or-later */
/* throttle.c -- wrong admin tokens counted per client address, for both
 * front-ends (AUTH on the line protocol, Authorization: Bearer over HTTP):
 * after VN_AUTH_FAIL_MAX wrong tokens within VN_AUTH_FAIL_WINDOW seconds an
 * address may not try another for VN_AUTH_BLOCK seconds, however many
 * connections it opens.  Closing a connection after three wrong tokens
 * alone let a client that reconnects try 45,000 tokens in 5 s.
 *
 * A fixed table (VN_THROTTLE_SLOTS addresses; the stalest entry makes room
 * for a new one), used from the event loop only, so no lock.  Pure: the
 * caller gives the time.  Not here: comparing tokens (server.c). */
#include "daemon.h"

#include <stdio.h>
#include <string.h>

/* The entry of `addr`, or a free or stale one taken for it; NULL when the
 * caller only looks (`take` 0) and there is none. */
static vn_throttle_entry *entry(vn_throttle *t, const char *addr, double now, int take)
{
    vn_throttle_entry *free_e = NULL, *oldest = NULL;
    for (size_t i = 0; i < VN_THROTTLE_SLOTS; i++) {
        vn_throttle_entry *e = &t->e[i];
        if (e->addr[0] && strcmp(e->addr, addr) == 0)
            return e;
        if (!e->addr[0] || (now - e->first > VN_AUTH_FAIL_WINDOW && now >= e->blocked_until)) {
            if (!free_e)
                free_e = e; /* empty, or nothing left to remember */
        } else if (!oldest || e->first < oldest->first) {
            oldest = e;
        }
    }
    if (!take)
        return NULL;
    vn_throttle_entry *e = free_e ? free_e : oldest;
    memset(e, 0, sizeof *e);
    snprintf(e->addr, sizeof e->addr, "%s", addr);
    e->first = now;
    return e;
}

double vn_throttle_wait(vn_throttle *t, const char *addr, double now)
{
    vn_throttle_entry *e = entry(t, addr, now, 0);
    return e && now < e->blocked_until ? e->blocked_until - now : 0;
}

int vn_throttle_fail(vn_throttle *t, const char *addr, double now)
{
    vn_throttle_entry *e = entry(t, addr, now, 1);
    if (now - e->first > VN_AUTH_FAIL_WINDOW) { /* a new window */
        e->first = now;
        e->failures = 0;
    }
    if (++e->failures < VN_AUTH_FAIL_MAX)
        return 0;
    e->blocked_until = now + VN_AUTH_BLOCK;
    e->first = now;
    e->failures = 0;
    return 1;
}
