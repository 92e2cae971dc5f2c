// saturating_add.h — counters that stop at their largest value instead of wrapping.
//
// Every counter calmond reports (frames, gaps, missing frames, rejections) adds numbers
// that come from the wire: a sequence jump of 2^63 is as possible as a jump of 1. A
// counter that wrapped would report a small, plausible and wrong number; one that
// saturates at 2^64 - 1 says "more than can be counted", which is true.
#pragma once

#include <cstdint>
#include <limits>

namespace calmon {

constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::uint64_t>::max() : sum;
}

// counter += amount, stopping at the largest value.
constexpr void saturating_increase(std::uint64_t& counter, std::uint64_t amount = 1) {
  counter = saturating_add(counter, amount);
}

}  // namespace calmon
