/* SPDX-License-Identifier: GPL-2.0-or-later */
/* commands.c -- the one table of vnsearchd's commands, built from their
 * declaration (commands.def): name on the line protocol, argument, HTTP
 * path, whether it needs the index (a worker), the writer or only the
 * loop, whether it needs the admin token, and its HELP line.  The line
 * protocol (proto_parse.c, server.c), HTTP (http.c), HELP (proto_reply.c)
 * and the metrics (metrics.c) read this table; none of them lists
 * commands of its own.  Pure data: the handlers are not here (each
 * thread's file builds its own from commands.def), so the protocol parser
 * and its fuzzer link without the daemon. */
#include "proto.h"

#include <string.h>
#include <strings.h>

const vn_command vn_commands[VN_NCOMMANDS] = {
#define VN_COMMAND(id, name, arg, arg_desc, path, method, where, admin, handler, help) \
    {name, VN_CMD_##id, VN_ARG_##arg, arg_desc, path, method, VN_AT_##where, VN_ADMIN_##admin, help},
#include "commands.def"
#undef VN_COMMAND
};

const vn_command *vn_command_named(const char *s, size_t n)
{
    for (size_t i = 0; i < VN_NCOMMANDS; i++)
        if (strlen(vn_commands[i].name) == n && strncasecmp(s, vn_commands[i].name, n) == 0)
            return &vn_commands[i];
    return NULL;
}
