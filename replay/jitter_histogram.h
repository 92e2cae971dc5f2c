// jitter_histogram.h — percentiles of send-time errors in bounded memory.
//
// A replay may run for days (--loop-forever at 1 kHz is 86 million frames a day), so
// the errors are counted in a fixed log-linear histogram rather than kept: values below
// 1024 ns have a bucket each (exact), larger ones share a bucket with values within
// 1/512 of them (a bucket reports its midpoint: within 0.1 %) — 28,160 buckets, 220 KiB,
// for any count.
// record() is O(1); percentile_ns() walks the buckets, O(buckets).
//
// Percentiles are nearest-rank: percentile q of n values is the smallest recorded value
// v such that at least ceil(q/100 * n) values are <= v — always a value that occurred
// (to the bucket's resolution), never an interpolation. max_ns() is exact. Negative
// values (a frame sent before its due time, which the pacer never does) count as 0.
#pragma once

#include <cstdint>
#include <vector>

namespace calmon::replay {

class JitterHistogram {
 public:
  JitterHistogram();

  void record(std::int64_t error_ns);

  std::int64_t count() const { return count_; }
  // 0 when nothing was recorded.
  std::int64_t max_ns() const { return max_ns_; }
  // q in [0, 100]; 0 when nothing was recorded. Exact below 1024 ns, else within 0.1 %.
  std::int64_t percentile_ns(double q) const;

 private:
  std::vector<std::int64_t> counts_;
  std::int64_t count_ = 0;
  std::int64_t max_ns_ = 0;
};

}  // namespace calmon::replay
