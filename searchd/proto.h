/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proto.h -- vnsearchd's line protocol: parsing a request line and
 * formatting replies.  Pure functions over bytes (no sockets, no index):
 * proto_parse.c and proto_reply.c.  docs/protocol.md is the reference. */
#ifndef VN_PROTO_H
#define VN_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "vn_buf.h"
#include "vn_error.h"
#include "vn_search.h"

typedef enum vn_cmd {
    VN_CMD_SEARCH, VN_CMD_COUNT, VN_CMD_GET, VN_CMD_SUGGEST, VN_CMD_STATS, VN_CMD_PING,
    VN_CMD_HELP, VN_CMD_QUIT, VN_CMD_RELOAD, VN_CMD_FORMAT, VN_CMD_AUTH
} vn_cmd;

/* Error classes on the wire ("ERR <code> <message>"). */
#define VN_ERRC_BADREQ "BADREQ" /* the request's fault */
#define VN_ERRC_LIMIT "LIMIT"   /* a configured limit was hit */
#define VN_ERRC_NOAUTH "NOAUTH" /* AUTH needed first */
#define VN_ERRC_SERVER "SERVER" /* the server's fault */
#define VN_ERRC_SHUTDOWN "SHUTDOWN" /* the server is stopping: request not run */

typedef struct vn_request {
    vn_cmd cmd;
    vn_search_opts opts;   /* SEARCH/COUNT; string fields point into `strs` */
    char *arg;             /* query, id, prefix, token or format; malloc'd or NULL */
    char strs[3][128];     /* from=, to=, source= values */
} vn_request;

typedef struct vn_proto_limits {
    unsigned max_results;  /* largest limit= */
} vn_proto_limits;

/* Parse one request line (without its line ending).  On success fills *r
 * (free with vn_request_clear) and returns VN_OK; otherwise returns
 * VN_ERR_INVALID (bad request) or VN_ERR_LIMIT with a message in err. */
vn_status vn_proto_parse(const char *line, size_t len, const vn_proto_limits *lim, vn_request *r,
                         vn_error *err);
void vn_request_clear(vn_request *r);
/* opts' string fields point into r->strs: after copying a vn_request to
 * another address, call this on the copy. */
void vn_request_rebind(vn_request *r);

/* Reply formatting.  `json` selects the one-line JSON format. */
void vn_reply_error(vn_buf *out, int json, const char *code, const char *msg);
/* SEARCH: hits with their snippets (made by vn_search). */
void vn_reply_hits(vn_buf *out, int json, const vn_hits *h, double took_ms);
/* OK with a single count, or a simple message. */
void vn_reply_count(vn_buf *out, int json, uint64_t n);
void vn_reply_ok(vn_buf *out, int json, const char *msg);
/* GET: the stored document JSON (`doc`, valid JSON text). */
void vn_reply_doc(vn_buf *out, int json, const char *doc, size_t len);
/* SUGGEST: completions. */
void vn_reply_list(vn_buf *out, int json, const char *key, char **items, size_t n);
/* STATS and HELP: key/value or plain lines. */
typedef struct vn_stat { const char *key; double value; } vn_stat;
void vn_reply_stats(vn_buf *out, int json, const vn_stat *s, size_t n);
void vn_reply_help(vn_buf *out, int json);

#endif
