/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_calendar.h -- the one calendar of libvnsearch: days written
 * YYYY-MM-DD (articles' dates, query options, dates typed in a query),
 * their validity (month lengths, leap years), counting days, and the
 * YYYYMMDD key the index sorts and filters dates by.  The proleptic
 * Gregorian calendar, no time zones and no clock: what "today" is, is the
 * caller's (vn_search_opts.today). */
#ifndef VN_CALENDAR_H
#define VN_CALENDAR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vn_day {
    int y, m, d;
} vn_day;

/* Days in month m (1-12) of year y. */
int vn_days_in_month(int y, int m);
/* Nonzero when y-m-d is a day of the calendar (any year 0-9999). */
int vn_day_valid(vn_day x);
/* s is exactly "YYYY-MM-DD", a valid day: 1 and *out (may be NULL), else 0. */
int vn_day_parse(const char *s, vn_day *out);
/* Nonzero if s is a valid calendar date written YYYY-MM-DD. */
int vn_date_valid(const char *s);
/* Days since 1970-01-01 (negative before), and back. */
long vn_day_number(vn_day x);
vn_day vn_day_from_number(long n);
/* x as YYYY-MM-DD and a NUL. */
void vn_day_format(vn_day x, char out[11]);
/* The index's key of a valid YYYY-MM-DD date: YYYYMMDD and a NUL (sorts
 * as a string, as the date value slot and the day/month/year terms hold
 * it). */
void vn_date_key(const char *iso, char out[9]);

#ifdef __cplusplus
}
#endif

#endif
