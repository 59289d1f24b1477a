/*
 * budget.c - the work budget every packing phase shares (budget.h).  The
 * tick count decides where a search stops; the monotonic clock is read
 * only every 4096 ticks and marks by_clock when it, not the ticks, ended
 * the run, so a caller can report a clock-limited result.  No dependency,
 * no global state, no statuses.
 */
#include <string.h>

#include "base/budget.h"
#include "base/clock.h"

void ga_budget_init(ga_budget *b, double time_limit_ms, int64_t ticks)
{
    memset(b, 0, sizeof *b);
    b->deadline_ms = time_limit_ms > 0 ? ga_now_ms() + time_limit_ms : 0;
    b->ticks_left = ticks;
}

int ga_budget_spend(ga_budget *b, int64_t n)
{
    if (b->stopped)
        return 1;
    b->ticks_left -= n;
    if (b->ticks_left < 0) {
        b->stopped = 1;
        return 1;
    }
    b->poll += (int32_t)(n > 1000000 ? 1000000 : n);
    if (b->poll >= 4096) {
        b->poll = 0;
        if (b->deadline_ms > 0 && ga_now_ms() >= b->deadline_ms) {
            b->stopped = 1;
            b->by_clock = 1;
            return 1;
        }
    }
    return 0;
}
