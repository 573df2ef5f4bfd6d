/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_report.c -- what an indexing run tells its caller about records:
 * the callbacks (vn_indexer_set_callbacks), and rejected, unreadable and
 * warned-of records counted and passed on, from any thread (the parallel
 * shards' workers report too).  The progress line is the run's own
 * (index_run.c, vn_indexer_tick); wording and output are the program's. */
#include "vn_indexer.h"

void vn_indexer_set_callbacks(vn_indexer *ix, vn_reject_fn reject, vn_progress_fn progress, void *ctx)
{
    ix->reject = reject;
    ix->progress = progress;
    ix->cb_ctx = ctx;
}

void vn_indexer_set_warn_callback(vn_indexer *ix, vn_reject_fn warn)
{
    ix->warn = warn;
}

/* Count a record in *counter and tell `cb` (may be NULL), under ix->mu:
 * the parallel shards' workers report too. */
static void report(vn_indexer *ix, uint64_t *counter, vn_reject_fn cb, const char *file, uint64_t line,
                   const char *msg)
{
    pthread_mutex_lock(&ix->mu);
    (*counter)++;
    if (cb)
        cb(ix->cb_ctx, file, line, msg);
    pthread_mutex_unlock(&ix->mu);
}

void vn_indexer_reject(vn_indexer *ix, const char *file, uint64_t line, const char *msg)
{
    report(ix, &ix->stats.rejected, ix->reject, file, line, msg);
}

void vn_indexer_unreadable(vn_indexer *ix, const char *file, const char *msg)
{
    pthread_mutex_lock(&ix->mu);
    ix->stats.unreadable++;
    pthread_mutex_unlock(&ix->mu);
    vn_indexer_reject(ix, file, 0, msg);
}

void vn_indexer_warn(vn_indexer *ix, const char *file, uint64_t line, const char *msg)
{
    report(ix, &ix->stats.warnings, ix->warn, file, line, msg);
}
