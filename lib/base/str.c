/*
 * str.c - small string helpers: ASCII case-insensitive comparison, shell
 * glob matching, and the case-insensitive edit distance behind every "did
 * you mean" hint.  Locale-independent (ASCII only); no state, no statuses.
 */
#include <string.h>

#include "base/internal.h"

int ga_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb || !ca)
            return ca - cb;
    }
}

/* Shell-style glob: '*' any run, '?' one character, "[abc]"/"[a-z]"/"[!x]"
 * a class.  Iterative with one backtrack point, so it is linear-ish and
 * cannot recurse deeply on hostile patterns. */
static const char *match_class(const char *p, unsigned char c, int *ok)
{
    int neg = 0, hit = 0;
    p++;
    if (*p == '!' || *p == '^') {
        neg = 1;
        p++;
    }
    const char *start = p;
    while (*p && (*p != ']' || p == start)) {
        unsigned char lo = (unsigned char)*p, hi = lo;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            hi = (unsigned char)p[2];
            p += 2;
        }
        if (c >= lo && c <= hi)
            hit = 1;
        p++;
    }
    if (*p != ']') {
        *ok = -1; /* unterminated: treat '[' literally */
        return NULL;
    }
    *ok = hit != neg;
    return p + 1;
}

int ga_glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *ss = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            ss = s;
            continue;
        }
        if (*pat == '?') {
            pat++;
            s++;
            continue;
        }
        if (*pat == '[') {
            int ok;
            const char *next = match_class(pat, (unsigned char)*s, &ok);
            if (ok == 1) {
                pat = next;
                s++;
                continue;
            }
            if (ok == -1 && *s == '[') {
                pat++;
                s++;
                continue;
            }
        } else if (*pat && *pat == *s) {
            pat++;
            s++;
            continue;
        }
        if (!star)
            return 0;
        pat = star + 1;
        s = ++ss;
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

int ga_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 1000;
    int row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z')
                ca += 'a' - 'A';
            if (cb >= 'A' && cb <= 'Z')
                cb += 'a' - 'A';
            int up = row[j], best = diag + (ca != cb);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}
