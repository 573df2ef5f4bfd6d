/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dispatch.c -- which thread answers a request that is not the loop's:
 * the writer for writes, a query worker for reads (the command's WHERE in
 * commands.def).  The one place both front-ends hand a job over; the
 * loop's own commands never get here (server.c runs them in place). */
#include "daemon.h"

void vn_dispatch(vn_daemon *d, job *j)
{
    if (j->req.command->where == VN_AT_WRITER)
        vn_writer_submit(d, j);
    else
        vn_workers_submit(d, j);
}
