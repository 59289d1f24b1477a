/*
 * budget.h - a deterministic work budget with a wall-clock safety net
 * (budget.c).  Phases count "ticks" (units of roughly constant work) so
 * that the same input stops at the same place on any machine; the clock
 * only ends a run that the ticks would have let go on, and says so.
 */
#ifndef GPUARB_BASE_BUDGET_H
#define GPUARB_BASE_BUDGET_H

#include <stdint.h>

typedef struct ga_budget {
    double deadline_ms;   /* ga_now_ms() value at which to stop; <= 0 none */
    int64_t ticks_left;   /* deterministic work allowance */
    int32_t stopped;      /* set once either ran out */
    int32_t by_clock;     /* 1 if the clock, not the ticks, ended it */
    int32_t poll;         /* ticks since the clock was last read */
} ga_budget;

/* ticks of work; time_limit_ms > 0 also arms the clock, <= 0 leaves it off. */
void ga_budget_init(ga_budget *b, double time_limit_ms, int64_t ticks);
/* Spend n ticks; returns 1 when the budget is exhausted (ticks_left below
 * 0, or the deadline passed: the clock is read once per 4096 ticks spent,
 * n counting at most 1000000 toward that), and from then on always 1. */
int ga_budget_spend(ga_budget *b, int64_t n);

#endif
