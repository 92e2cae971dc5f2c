// ordered_key.h — doubles as integers whose order is IEEE 754 total order.
//
// Flipping the magnitude bits of negative numbers turns the bit pattern of a double
// into a signed integer that sorts like the value: -inf < ... < -0 < +0 < ... < +inf,
// with (positive) NaN above +inf. Order-statistic structures compare these keys with
// plain integer comparisons, and a NaN sample can never break their invariants.
// The mapping is its own inverse, so the original bits come back exactly.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace calmon {

constexpr std::int64_t ordered_key(double x) {
  if (x != x) x = std::numeric_limits<double>::quiet_NaN();  // one NaN, positive
  const auto bits = std::bit_cast<std::int64_t>(x);
  return bits ^ ((bits >> 63) & std::numeric_limits<std::int64_t>::max());
}

constexpr double from_ordered_key(std::int64_t key) {
  return std::bit_cast<double>(key ^ ((key >> 63) & std::numeric_limits<std::int64_t>::max()));
}

}  // namespace calmon
