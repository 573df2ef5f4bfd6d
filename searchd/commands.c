/* SPDX-License-Identifier: GPL-2.0-or-later */
/* commands.c -- the one table of vnsearchd's commands.
 *
 * A command is declared here once: its name on the line protocol, its
 * argument, its HTTP path, whether it needs the index (a worker) or only
 * the loop, whether it needs the admin token, its handler and its HELP
 * line.  The line protocol (proto_parse.c, server.c), HTTP (http.c), HELP
 * (proto_reply.c) and the workers (workers.c) all read this table; none
 * of them lists commands of its own.  The handlers live beside what they
 * touch: the loop's in server.c, the index's in workers.c; writes (no
 * handler) all go to the writer thread, which commits them together. */
#include "daemon.h"

#include <string.h>
#include <strings.h>

#define QUERY_OPTS "[limit=N] [offset=N] [sort=relevance|date|-date] [from=YYYY-MM-DD] [to=YYYY-MM-DD] " \
                   "[source=NAME] [snippet=html|text|none] [facets=source,year,month,day] [dates=on|off] " \
                   "[now=YYYY-MM-DD] [restore=on|off] [--] <query>"

const vn_command vn_commands[] = {
    {"SEARCH", VN_CMD_SEARCH, VN_ARG_QUERY, "a query", "/search", "GET", VN_AT_WORKER, 0, vn_cmd_search,
     "SEARCH " QUERY_OPTS},
    {"COUNT", VN_CMD_COUNT, VN_ARG_QUERY, "a query", "/count", "GET", VN_AT_WORKER, 0, vn_cmd_search,
     "COUNT [options as SEARCH] [--] <query>"},
    {"GET", VN_CMD_GET, VN_ARG_TEXT, "a document id", "/documents/", "GET", VN_AT_WORKER, 0, vn_cmd_get,
     "GET <id>"},
    {"SUGGEST", VN_CMD_SUGGEST, VN_ARG_TEXT, "a prefix", "/suggest", "GET", VN_AT_WORKER, 0, vn_cmd_suggest,
     "SUGGEST <prefix>"},
    {"RESTORE", VN_CMD_RESTORE, VN_ARG_TEXT, "words", "/restore", "GET", VN_AT_WORKER, 0, vn_cmd_restore,
     "RESTORE <words without marks> (the marks put back, as the archive writes them)"},
    {"STATS", VN_CMD_STATS, VN_ARG_NONE, NULL, "/stats", "GET", VN_AT_WORKER, 0, vn_cmd_stats, "STATS"},
    {"HEALTH", VN_CMD_HEALTH, VN_ARG_NONE, NULL, "/health", "GET", VN_AT_WORKER, 0, vn_cmd_health, "HEALTH"},
    {"METRICS", VN_CMD_METRICS, VN_ARG_NONE, NULL, "/metrics", "GET", VN_AT_WORKER, 0, vn_cmd_metrics,
     "METRICS (Prometheus text format)"},
    {"ADD", VN_CMD_ADD, VN_ARG_TEXT, "a JSON article", "/documents", "POST", VN_AT_WRITER, VN_ADMIN_ALWAYS, NULL,
     "ADD <article as one JSON line> (committed before the reply; needs AUTH)"},
    {"DELETE", VN_CMD_DELETE, VN_ARG_TEXT, "a document id", "/documents/", "DELETE", VN_AT_WRITER,
     VN_ADMIN_ALWAYS, NULL, "DELETE <id> (committed before the reply; needs AUTH)"},
    {"PING", VN_CMD_PING, VN_ARG_NONE, NULL, NULL, NULL, VN_AT_LOOP, 0, vn_cmd_ping, "PING"},
    {"FORMAT", VN_CMD_FORMAT, VN_ARG_TEXT, "json or text", NULL, NULL, VN_AT_LOOP, 0, vn_cmd_format,
     "FORMAT json|text"},
    {"AUTH", VN_CMD_AUTH, VN_ARG_TEXT, "a token", NULL, NULL, VN_AT_LOOP, 0, vn_cmd_auth, "AUTH <token>"},
    {"RELOAD", VN_CMD_RELOAD, VN_ARG_NONE, NULL, NULL, NULL, VN_AT_WORKER, VN_ADMIN_IF_TOKEN, vn_cmd_reload,
     "RELOAD"},
    {"HELP", VN_CMD_HELP, VN_ARG_NONE, NULL, NULL, NULL, VN_AT_LOOP, 0, vn_cmd_help, "HELP"},
    {"QUIT", VN_CMD_QUIT, VN_ARG_NONE, NULL, NULL, NULL, VN_AT_LOOP, 0, vn_cmd_quit, "QUIT"},
};
const size_t vn_ncommands = sizeof vn_commands / sizeof vn_commands[0];

const vn_command *vn_command_named(const char *s, size_t n)
{
    for (size_t i = 0; i < vn_ncommands; i++)
        if (strlen(vn_commands[i].name) == n && strncasecmp(s, vn_commands[i].name, n) == 0)
            return &vn_commands[i];
    return NULL;
}
