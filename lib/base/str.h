/*
 * str.h - small ASCII string helpers (str.c).
 */
#ifndef GPUARB_BASE_STR_H
#define GPUARB_BASE_STR_H

int ga_strcasecmp(const char *a, const char *b);
int ga_glob_match(const char *pattern, const char *s); /* shell-style * ? [..] */
/* Levenshtein distance, ASCII case-insensitive, for "did you mean" hints;
 * strings longer than 63 bytes count as 1000 edits away. */
int ga_edit_distance(const char *a, const char *b);

#endif
