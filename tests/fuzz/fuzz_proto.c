/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_proto.c -- libFuzzer harness: vnsearchd's request parser and reply
 * formatter (searchd/proto_parse.c, proto_reply.c) on arbitrary bytes.
 *
 * Checks beyond "no crash, no leak, no undefined behaviour": a request
 * either parses or gets a message; every reply, text or JSON, is valid
 * UTF-8 and ends its lines where the protocol says, whatever the bytes
 * that went into it.  Built and run by make fuzz (tests/fuzz/run.sh). */
#include "proto.h"
#include "vn_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A text reply: every line ends in CRLF and holds no other CR or LF. */
static void check_lines(const vn_buf *b)
{
    if (!vn_utf8_valid(b->data, b->len))
        abort();
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] == '\n' && (i == 0 || b->data[i - 1] != '\r'))
            abort();
        if (b->data[i] == '\r' && (i + 1 >= b->len || b->data[i + 1] != '\n'))
            abort();
    }
    if (b->len < 2 || b->data[b->len - 1] != '\n')
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    vn_proto_limits lim = {1000};
    vn_request r;
    vn_error err;
    vn_status rc = vn_proto_parse(s, size, &lim, &r, &err);
    vn_buf b = VN_BUF_INIT;
    for (int json = 0; json < 2; json++) {
        if (rc != VN_OK) {
            if (!err.msg[0])
                abort();
            vn_reply_error(&b, json, VN_ERRC_BADREQ, err.msg);
        } else {
            /* the request's own text as every field of a hit */
            char *text = r.arg ? r.arg : (char *)"-";
            vn_hit hit = {text, text, text, text, text, text, 1.0, &text, 1}; /* and as a copy's id */
            vn_hits h = {.total = 1, .total_min = 1, .total_max = 1, .n = 1, .hit = &hit, .collapsed = 1};
            vn_reply_hits(&b, json, &h, 0.5);
            vn_reply_list(&b, json, "suggestions", &text, 1);
        }
        check_lines(&b);
        vn_buf_reset(&b);
    }
    /* raw bytes into an error message: repaired, never passed through */
    char *msg = malloc(size + 1);
    memcpy(msg, data, size);
    msg[size] = '\0';
    vn_reply_error(&b, 0, VN_ERRC_SERVER, msg);
    check_lines(&b);
    free(msg);
    vn_buf_free(&b);
    vn_request_clear(&r);
    return 0;
}
