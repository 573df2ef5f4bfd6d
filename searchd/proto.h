/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proto.h -- vnsearchd's commands and their wire forms: the one command
 * table (declared in commands.def, built in commands.c), parsing a request line or HTTP query parameters into
 * a vn_request (proto_parse.c), and formatting replies (proto_reply.c).
 * Parsing and formatting are pure functions over bytes (no sockets, no
 * index).  docs/protocol.md is the reference. */
#ifndef VN_PROTO_H
#define VN_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "vn_buf.h"
#include "vn_error.h"
#include "vn_search.h"

/* The commands, in the order of commands.def: VN_CMD_SEARCH ... and
 * VN_NCOMMANDS, how many there are (arrays by command are sized by it). */
typedef enum vn_cmd {
#define VN_COMMAND(id, ...) VN_CMD_##id,
#include "commands.def"
#undef VN_COMMAND
    VN_NCOMMANDS
} vn_cmd;

typedef enum vn_argkind {
    VN_ARG_NONE,  /* nothing after the name */
    VN_ARG_TEXT,  /* the rest of the line (a prefix, words, a token) */
    VN_ARG_ID,    /* a document id: at most VN_ID_MAX_BYTES */
    VN_ARG_JSON,  /* articles as JSON (over HTTP a body of JSON Lines, line breaks and all) */
    VN_ARG_QUERY  /* options, then a query (SEARCH, COUNT) */
} vn_argkind;

typedef enum vn_where {
    VN_AT_LOOP,   /* answered on the event loop: no index, never blocks */
    VN_AT_WORKER, /* reads the index: runs on a query worker */
    VN_AT_WRITER  /* writes the index: runs on the writer thread (writer.c) */
} vn_where;

/* Who may run a command (vn_admin_denied): anyone; with search_token
 * set, a client that gave it or admin_token; with admin_token set, a
 * client that gave it; writes only with admin_token set, after AUTH. */
enum { VN_ADMIN_NONE, VN_ADMIN_SEARCH /* the search or admin token, when search_token is set */,
       VN_ADMIN_IF_TOKEN /* AUTH when admin_token is set */,
       VN_ADMIN_ALWAYS /* only with admin_token set, after AUTH */ };
/* What a client's tokens let it do, in order (AUTH raises it). */
enum { VN_SCOPE_NONE, VN_SCOPE_SEARCH, VN_SCOPE_ADMIN };

/* One row per command (commands.def says what each field means):
 * everything the line protocol, HTTP, HELP, the metrics and the dispatch
 * need to know about it, except who runs it (server.c's and workers.c's
 * handlers, from the same declaration). */
typedef struct vn_command {
    const char *name;     /* on the line protocol, case-insensitive */
    vn_cmd cmd;
    vn_argkind arg;
    const char *arg_desc; /* "a query": for "SEARCH needs a query" */
    const char *http;     /* path over HTTP ("/search"; "/documents/" takes the id after it), or NULL */
    const char *method;   /* its HTTP method: "GET", "POST" (the body is the argument), "DELETE" */
    vn_where where;
    int admin;            /* VN_ADMIN_* */
    const char *help;     /* HELP's line */
} vn_command;

/* vn_commands[c].cmd == c for every command c < VN_NCOMMANDS. */
extern const vn_command vn_commands[VN_NCOMMANDS];
/* The command called s[0..n) (case-insensitive), or NULL. */
const vn_command *vn_command_named(const char *s, size_t n);

/* Error classes on the wire ("ERR <code> <message>"). */
#define VN_ERRC_BADREQ "BADREQ" /* the request's fault */
#define VN_ERRC_NOTFOUND "NOTFOUND" /* no such document (GET, RELATED, DELETE) or HTTP path */
#define VN_ERRC_LIMIT "LIMIT"   /* a configured limit was hit */
#define VN_ERRC_NOAUTH "NOAUTH" /* AUTH needed first */
#define VN_ERRC_SERVER "SERVER" /* the server's fault */
#define VN_ERRC_SHUTDOWN "SHUTDOWN" /* the server is stopping: request not run */
#define VN_ERRC_BUSY "BUSY"     /* another writer holds the index: retry later */
#define VN_ERRC_UNAVAILABLE "UNAVAILABLE" /* a shard of the index does not answer (shard_down = fail) */

/* A parsed request.  Every string is malloc'd and owned (opts' strings
 * point at from/to/source), so a vn_request may be copied as it is; free
 * with vn_request_clear. */
typedef struct vn_request {
    const vn_command *command;
    vn_cmd cmd;            /* command->cmd */
    vn_search_opts opts;   /* SEARCH/COUNT */
    char *arg;             /* query, id, prefix, token or format, or NULL */
    char *from, *to, *source, *today;
} vn_request;

#define VN_OPTION_MAX 128  /* bytes in an option's value */

/* SEARCH's and COUNT's options (proto_parse.c): name, and its values as
 * HELP shows them ("N", "on|off"). */
typedef struct vn_option {
    const char *key, *values;
} vn_option;
#define VN_NOPTIONS 13
extern const vn_option vn_search_options[VN_NOPTIONS];

typedef struct vn_proto_limits {
    unsigned max_results;  /* largest limit= */
} vn_proto_limits;

/* Parse one request line (without its line ending).  On success fills *r
 * (free with vn_request_clear) and returns VN_OK; otherwise returns
 * VN_ERR_INVALID (bad request) or VN_ERR_LIMIT with a message in err. */
vn_status vn_proto_parse(const char *line, size_t len, const vn_proto_limits *lim, vn_request *r,
                         vn_error *err);
void vn_request_clear(vn_request *r);
/* Start a request for `c` with the defaults (limit 10). */
void vn_request_init(vn_request *r, const vn_command *c);
/* Apply one option key=value (as written on the line, or an HTTP query
 * parameter) to a SEARCH/COUNT request.  VN_ERR_NOTFOUND: no such option
 * (err says so); VN_ERR_INVALID or VN_ERR_LIMIT: a bad value. */
vn_status vn_request_option(vn_request *r, const char *key, size_t kl, const char *v, size_t vl,
                            const vn_proto_limits *lim, vn_error *err);
/* Check and set the argument (query, id, ...) of a request; the checks of
 * each command (an id's length, FORMAT's values). */
vn_status vn_request_arg(vn_request *r, const char *s, size_t n, vn_error *err);

/* Reply formatting.  `json` selects the one-line JSON format. */
void vn_reply_error(vn_buf *out, int json, const char *code, const char *msg);
/* SEARCH: hits with their snippets (made by vn_search). */
void vn_reply_hits(vn_buf *out, int json, const vn_hits *h, double took_ms);
/* OK with a single count (and the facets of `facets`, may be NULL; in
 * text, then FACET lines and END), or a simple message. */
void vn_reply_count(vn_buf *out, int json, uint64_t n, const vn_hits *facets);
void vn_reply_ok(vn_buf *out, int json, const char *msg);
/* VERSION: "OK vnsearchd=V xapian=V schema=N", or those keys in JSON. */
void vn_reply_version(vn_buf *out, int json, const char *version, const char *xapian, const char *schema);
/* WATCH: the standing search's number ("OK 7", {"ok":true,"watch":7}). */
void vn_reply_watch(vn_buf *out, int json, uint64_t id);
/* A new article matching standing search `watch`: one line,
 * ALERT<TAB>watch<TAB>id<TAB>date<TAB>source<TAB>title<TAB>url, or one
 * JSON object {"alert":watch,"id":...,...}. */
void vn_reply_alert(vn_buf *out, int json, uint64_t watch, const vn_hit *h);
/* GET: the stored document JSON (`doc`, valid JSON text). */
void vn_reply_doc(vn_buf *out, int json, const char *doc, size_t len);
/* SUGGEST: completions. */
void vn_reply_list(vn_buf *out, int json, const char *key, char **items, size_t n);
/* The same, flagged partial=true ("partial": true) when `partial`: made
 * from the shards that answered (SUGGEST, RESTORE). */
void vn_reply_list_partial(vn_buf *out, int json, const char *key, char **items, size_t n, int partial);
/* STATS and HELP: key/value or plain lines. */
typedef struct vn_stat { const char *key; double value; } vn_stat;
void vn_reply_stats(vn_buf *out, int json, const vn_stat *s, size_t n);
/* The same with the shards of a sharded index after the figures: a line
 * "shard<TAB>NAME<TAB>up|down<TAB>DOCUMENTS" each, or a JSON array
 * "per_shard" of {name, remote, up, documents}. */
void vn_reply_stats_shards(vn_buf *out, int json, const vn_stat *s, size_t n, const vn_shard_info *sh, size_t nsh);
/* HELP: the help lines of the command table. */
void vn_reply_help(vn_buf *out, int json);

/* http_codec.c: HTTP bodies, pure.
 * Whether an Accept-Encoding header value accepts gzip. */
int vn_http_accepts_gzip(const char *accept_encoding);
/* Append `data` gzipped at `level` (1-9) to out: 0, or -1 (out unchanged). */
int vn_http_gzip(const char *data, size_t len, int level, vn_buf *out);
/* The ETag (a quoted hash, NUL-terminated) of a file of the page. */
void vn_http_etag(const char *data, size_t len, char out[24]);
/* A JSON array of article objects as JSON Lines, appended to `lines`. */
vn_status vn_http_articles_array(const char *body, vn_buf *lines, vn_error *err);
/* Each member of a JSON object body given to `add` as a parameter: a
 * string as it is, a number, a boolean as on/off, an array of strings
 * joined by commas.  Stops at add's first error. */
typedef vn_status (*vn_param_fn)(void *ctx, const char *key, const char *value, vn_error *err);
vn_status vn_http_json_params(const char *body, vn_param_fn add, void *ctx, vn_error *err);

#endif
