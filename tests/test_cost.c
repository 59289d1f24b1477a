/* test_cost.c - SPEC section 2's formulas against hand computations. */
#include <math.h>

#include "testutil.h"

static void spot_effective_price_by_hand(void **state)
{
    (void)state;
    /* defaults c = 60 min, r = 5 min, lambda = 0.05:
     * den = 1 - 0.05 * (0.5 + 0.083333..) = 0.970833.., 1.0 / den = 1.030043 */
    assert_float_equal(gpuarb_spot_effective_price(1.0, 0.05, 60, 5), 1.0300429184549356, 1e-12);
    /* no interruptions: the list price */
    assert_float_equal(gpuarb_spot_effective_price(2.5, 0.0, 60, 5), 2.5, 1e-15);
    /* lambda 0.2, c = 30 min, r = 6 min: den = 1 - 0.2 * (0.25 + 0.1) = 0.93 */
    assert_float_equal(gpuarb_spot_effective_price(0.93, 0.2, 30, 6), 1.0, 1e-12);
    /* lambda 1.78, c = 60, r = 0: den = 1 - 0.89 = 0.11 > 0.1: usable */
    assert_float_equal(gpuarb_spot_effective_price(1.1, 1.78, 60, 0), 10.0, 1e-9);
}

static void spot_unusable_at_or_below_tenth(void **state)
{
    (void)state;
    /* den = 1 - 1.8 * 0.5 = 0.1 (in floating point a hair below): unusable */
    assert_true(gpuarb_spot_effective_price(1.0, 1.8, 60, 0) < 0);
    /* den = 0 and below */
    assert_true(gpuarb_spot_effective_price(1.0, 2.0, 60, 0) < 0);
    assert_true(gpuarb_spot_effective_price(1.0, 5.0, 60, 60) < 0);
    /* invalid arguments */
    assert_true(gpuarb_spot_effective_price(-1.0, 0.05, 60, 5) < 0);
    assert_true(gpuarb_spot_effective_price(NAN, 0.05, 60, 5) < 0);
    assert_true(gpuarb_spot_effective_price(1.0, INFINITY, 60, 5) < 0);
}

static void egress_by_hand(void **state)
{
    (void)state;
    /* same region: free */
    assert_float_equal(gpuarb_egress_cost("aws", "us-east-1", 2000, "aws", "us-east-1", -1, -1), 0.0, 0);
    /* other region, same provider: 2000 GB x $0.02 = $40 */
    assert_float_equal(gpuarb_egress_cost("aws", "us-east-1", 2000, "aws", "us-west-2", -1, -1), 40.0, 1e-9);
    /* other provider: 2000 GB x $0.09 = $180 */
    assert_float_equal(gpuarb_egress_cost("aws", "us-east-1", 2000, "gcp", "us-east1", -1, -1), 180.0, 1e-9);
    /* the same region name at another provider is still another provider */
    assert_float_equal(gpuarb_egress_cost("aws", "us-east-1", 100, "azure", "us-east-1", -1, -1), 9.0, 1e-9);
    /* overridden rates */
    assert_float_equal(gpuarb_egress_cost("aws", "a", 100, "aws", "b", 0.01, 0.05), 1.0, 1e-12);
    assert_float_equal(gpuarb_egress_cost("aws", "a", 100, "gcp", "b", 0.01, 0.05), 5.0, 1e-12);
    /* nothing to copy */
    assert_float_equal(gpuarb_egress_cost("aws", "a", 0, "gcp", "b", -1, -1), 0.0, 0);
    assert_true(gpuarb_egress_cost("aws", "a", -5, "gcp", "b", -1, -1) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spot_effective_price_by_hand),
        cmocka_unit_test(spot_unusable_at_or_below_tenth),
        cmocka_unit_test(egress_by_hand),
    };
    return cmocka_run_group_tests_name("cost", tests, NULL, NULL);
}
