/* SPDX-License-Identifier: GPL-2.0-or-later */
/* calendar.c -- days of the Gregorian calendar (see vn_calendar.h).
 * Pure: no clock, no locale, no time zone. */
#include "vn_calendar.h"

#include <stdio.h>

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int vn_days_in_month(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : n[m - 1];
}

int vn_day_valid(vn_day x)
{
    return x.y >= 0 && x.y <= 9999 && x.m >= 1 && x.m <= 12 && x.d >= 1 && x.d <= vn_days_in_month(x.y, x.m);
}

int vn_day_parse(const char *s, vn_day *out)
{
    int v[3] = {0, 0, 0};
    for (int i = 0, k = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
            k++;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0; /* a NUL too: shorter than 10 */
        } else {
            v[k] = v[k] * 10 + (s[i] - '0');
        }
    }
    vn_day x = {v[0], v[1], v[2]};
    if (s[10] != '\0' || !vn_day_valid(x))
        return 0;
    if (out)
        *out = x;
    return 1;
}

int vn_date_valid(const char *s) { return vn_day_parse(s, NULL); }

/* Days from civil and back: H. Hinnant's algorithms, over 400-year eras. */
long vn_day_number(vn_day x)
{
    long y = x.y - (x.m <= 2), era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400, doy = (153 * (x.m + (x.m > 2 ? -3 : 9)) + 2) / 5 + x.d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

vn_day vn_day_from_number(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
    vn_day r = {(int)(yoe + era * 400 + (m <= 2)), (int)m, (int)d};
    return r;
}

void vn_day_format(vn_day x, char out[11]) { snprintf(out, 11, "%04d-%02d-%02d", x.y, x.m, x.d); }

void vn_date_key(const char *iso, char out[9])
{
    out[0] = iso[0], out[1] = iso[1], out[2] = iso[2], out[3] = iso[3];
    out[4] = iso[5], out[5] = iso[6], out[6] = iso[8], out[7] = iso[9];
    out[8] = '\0';
}
