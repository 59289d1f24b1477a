/*
 * str.h - small ASCII string helpers (str.c).
 */
#ifndef GPUARB_BASE_STR_H
#define GPUARB_BASE_STR_H

int ga_strcasecmp(const char *a, const char *b);
/* An ASCII digit '0'..'9' (isdigit depends on the locale). */
static inline int ga_is_digit(char c)
{
    return c >= '0' && c <= '9';
}
int ga_glob_match(const char *pattern, const char *s); /* shell-style * ? [..] */
/* Levenshtein distance, ASCII case-insensitive, for "did you mean" hints;
 * strings longer than 63 bytes count as 1000 edits away. */
int ga_edit_distance(const char *a, const char *b);

#endif
