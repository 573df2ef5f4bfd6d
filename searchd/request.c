/* SPDX-License-Identifier: GPL-2.0-or-later */
/* request.c -- a request between the front-ends (server.c's line
 * protocol, http.c) and the threads that answer it (the loop, workers.c,
 * writer.c), and the rules both front-ends share:
 *   - an error reply and its HTTP status, chosen here only (vn_ctx_error,
 *     vn_ctx_fail for a library status);
 *   - who may run a command (vn_admin_denied) and the token check with
 *     its throttle (vn_token_try);
 *   - a job: made for a parsed request (vn_job_new), handed from thread
 *     to thread on the daemon's queues (vn_jobs_append, vn_jobs_done).
 * It calls no front-end and no thread's code: they all call it.  Which
 * thread runs a command is dispatch.c's. */
#include "daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The HTTP status of an error code ("ERR <code>"): the one table. */
static const struct {
    const char *code;
    int status;
} statuses[] = {
    /* LIMIT: the request's own (limit=, a query's words); a body over
     * max_body is evhttp's own 413, a full server's limits say 503 or 429 */
    {VN_ERRC_BADREQ, 400},      {VN_ERRC_NOAUTH, 401}, {VN_ERRC_LIMIT, 400}, {VN_ERRC_NOTFOUND, 404},
    {VN_ERRC_SHUTDOWN, 503},    {VN_ERRC_BUSY, 503},   {VN_ERRC_UNAVAILABLE, 503},
};

int vn_http_status(const char *code)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (strcmp(code, statuses[i].code) == 0)
            return statuses[i].status;
    return 500; /* SERVER, and any code this table does not know */
}

void vn_ctx_error(vn_ctx *x, const char *code, const char *msg)
{
    vn_reply_error(x->out, x->json, code, msg);
    x->outcome = code;
    x->status = vn_http_status(code);
}

void vn_ctx_not_found(vn_ctx *x, const char *msg)
{
    vn_ctx_error(x, VN_ERRC_NOTFOUND, msg);
}

/* Only a bad request or a limit is the client's; anything else the index
 * or the engine reports (a vanished or damaged index too) is the server's. */
void vn_ctx_fail(vn_ctx *x, vn_status rc, const char *msg)
{
    vn_ctx_error(x,
                 rc == VN_ERR_INVALID       ? VN_ERRC_BADREQ
                 : rc == VN_ERR_LIMIT       ? VN_ERRC_LIMIT
                 : rc == VN_ERR_UNAVAILABLE ? VN_ERRC_UNAVAILABLE
                                            : VN_ERRC_SERVER,
                 msg);
}

const char *vn_admin_denied(const vn_daemon *d, const vn_command *cmd, int scope)
{
    if (cmd->admin == VN_ADMIN_ALWAYS && !d->cfg.admin_token[0])
        return "writes need admin_token set in the config";
    if (cmd->admin == VN_ADMIN_SEARCH && d->cfg.search_token[0] && scope < VN_SCOPE_SEARCH)
        return "searching needs AUTH <search_token> first (HTTP: Authorization: Bearer)";
    if (cmd->admin >= VN_ADMIN_IF_TOKEN && d->cfg.admin_token[0] && scope < VN_SCOPE_ADMIN)
        return "this command needs AUTH <admin_token> first (HTTP: Authorization: Bearer)";
    return NULL;
}

/* Compare a token in time that does not depend on where it differs. */
static int token_equal(const char *given, const char *want)
{
    size_t gl = strlen(given), wl = strlen(want);
    unsigned char diff = gl != wl;
    for (size_t i = 0; i < wl; i++)
        diff |= (unsigned char)(want[i] ^ given[i < gl ? i : 0]);
    return diff == 0;
}

int vn_token_try(vn_daemon *d, const char *peer, const char *given, double *wait)
{
    if ((*wait = vn_throttle_wait(&d->auth_throttle, peer, vn_clock_now())) > 0)
        return -2; /* not even compared */
    /* both compared, whichever is set: the time says nothing of which */
    int admin = d->cfg.admin_token[0] && token_equal(given, d->cfg.admin_token);
    int search = d->cfg.search_token[0] && token_equal(given, d->cfg.search_token);
    if (admin)
        return VN_SCOPE_ADMIN;
    if (search)
        return VN_SCOPE_SEARCH;
    if (vn_throttle_fail(&d->auth_throttle, peer, vn_clock_now()))
        vn_log_warn("%s: %d wrong tokens within %.0f s: no token tried from it for %.0f s", peer, VN_AUTH_FAIL_MAX,
                    VN_AUTH_FAIL_WINDOW, VN_AUTH_BLOCK);
    return -1;
}

job *vn_job_new(vn_request *r, conn *c, struct evhttp_request *http, int json, const char *peer)
{
    job *j = vn_xcalloc(1, sizeof *j);
    j->c = c;
    j->http = http;
    j->req = *r; /* the job owns the request now */
    j->json = json;
    j->status = 200;
    j->outcome = "ok";
    j->started = vn_clock_now();
    snprintf(j->peer, sizeof j->peer, "%s", peer);
    return j;
}

vn_ctx vn_job_ctx(vn_daemon *d, vn_searcher *s, job *j)
{
    return (vn_ctx){.d = d, .s = s, .c = j->c, .r = &j->req, .out = &j->reply, .json = j->json, .status = 200,
                    .outcome = "ok", .peer = j->peer};
}

void vn_jobs_append(vn_daemon *d, job **head, job **tail, job *list, pthread_cond_t *wake)
{
    job *last = list;
    while (last->next)
        last = last->next;
    pthread_mutex_lock(&d->mu);
    if (*tail)
        (*tail)->next = list;
    else
        *head = list;
    *tail = last;
    if (wake)
        pthread_cond_signal(wake);
    pthread_mutex_unlock(&d->mu);
}

void vn_jobs_done(vn_daemon *d, job *list)
{
    vn_jobs_append(d, &d->done_head, &d->done_tail, list, NULL);
    /* an eventfd, as memcached hands work between threads: no libevent
     * call from a worker (event_active across threads was what
     * ThreadSanitizer flagged); the loop reads it and takes the list */
    uint64_t one = 1;
    ssize_t w = write(d->done_fd, &one, sizeof one);
    (void)w; /* EAGAIN: the counter is full, the loop is woken already */
}
