/*
 * clock.c - the monotonic clock (milliseconds) behind solve timings and the
 * wall-clock safety net of the work budget.  Nothing decides a result on
 * it.  No state, no statuses.
 */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "base/internal.h"

double ga_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
