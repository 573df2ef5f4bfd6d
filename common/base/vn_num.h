/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_num.h -- internal: the one number parser of vnsearch, for whatever
 * reads a number from text: protocol options (limit=, offset=), config
 * settings, command-line arguments, ports of shard stubs.  Header only,
 * so that the client library and its command line use it without linking
 * libvnsearch (as vn_clock.h).  Strict: a whole number is all of the
 * bytes given, digits only (no sign, no space, no "0x", no locale), so
 * "10abc", " 5", "-1" and "" are refused, never read as a prefix or as 0.  Not here: what a
 * number means and its message when refused (the caller's). */
#ifndef VN_NUM_H
#define VN_NUM_H

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A whole number written in s[0..n): 1 and *out when it is digits only,
 * at most `max`; 0 otherwise (*out untouched). */
static inline int vn_parse_uint(const char *s, size_t n, unsigned long long max, unsigned long long *out)
{
    unsigned long long v = 0;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (d > max || v > (max - d) / 10)
            return 0; /* past max (and never wraps) */
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

/* The same for a C string, into an unsigned (max at most UINT_MAX). */
static inline int vn_parse_unsigned(const char *s, unsigned max, unsigned *out)
{
    unsigned long long v;
    if (!vn_parse_uint(s, strlen(s), max, &v))
        return 0;
    *out = (unsigned)v;
    return 1;
}

/* A number >= 0 written as a decimal in C string s ("2", "0.5", "1e3"):
 * 1 and *out, or 0 (not a number, negative, not finite, trailing bytes). */
static inline int vn_parse_nonneg(const char *s, double *out)
{
    char *end;
    if (!*s || *s == ' ' || *s == '\t' || *s == '-' || *s == '+')
        return 0;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v) || v < 0)
        return 0;
    *out = v;
    return 1;
}

#endif
