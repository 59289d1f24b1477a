/*
 * clock.h - the monotonic clock (clock.c).
 */
#ifndef GPUARB_BASE_CLOCK_H
#define GPUARB_BASE_CLOCK_H

/* Monotonic milliseconds. */
double ga_now_ms(void);

#endif
