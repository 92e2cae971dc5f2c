// saturating_add_test.cc — counters stop at 2^64 - 1 instead of wrapping to small numbers.
#include "core/saturating_add.h"

#include <gtest/gtest.h>

#include <limits>

namespace calmon {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

TEST(SaturatingAdd, AddsLikePlusBelowTheLimit) {
  EXPECT_EQ(saturating_add(2, 3), 5u);
  EXPECT_EQ(saturating_add(kMax - 1, 1), kMax);
  static_assert(saturating_add(40, 2) == 42);
}

TEST(SaturatingAdd, StopsAtTheLargestValue) {
  EXPECT_EQ(saturating_add(kMax, 1), kMax);
  EXPECT_EQ(saturating_add(kMax / 2 + 1, kMax / 2 + 1), kMax);
  EXPECT_EQ(saturating_add(kMax, kMax), kMax);
}

TEST(SaturatingAdd, IncreaseCountsByOneByDefaultAndStaysAtTheTop) {
  std::uint64_t counter = kMax - 1;
  saturating_increase(counter);
  EXPECT_EQ(counter, kMax);
  saturating_increase(counter);
  EXPECT_EQ(counter, kMax);
  std::uint64_t missing = 10;
  saturating_increase(missing, kMax - 5);
  EXPECT_EQ(missing, kMax);
}

}  // namespace
}  // namespace calmon
