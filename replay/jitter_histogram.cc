// jitter_histogram.cc — the log-linear buckets of JitterHistogram; see the header.
//
// Bucket layout: values 0..1023 map to buckets 0..1023. A value v >= 1024 with highest
// set bit e (10 <= e <= 62) falls into octave e - 10, which is split into 512 buckets
// by the 9 bits below the highest one: bucket 1024 + (e - 10) * 512 + (v >> (e - 9)) - 512.
// A bucket reports its midpoint, clamped to the largest value recorded; the top rank
// reports that value itself.
#include "replay/jitter_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace calmon::replay {
namespace {

constexpr int kExactBits = 10;                                        // values below 2^10 are exact
constexpr std::int64_t kExactValues = std::int64_t{1} << kExactBits;  // 1024
constexpr std::int64_t kBucketsPerOctave = kExactValues / 2;          // 512
constexpr int kOctaves = 62 - kExactBits + 1;                         // e = 10 .. 62
constexpr std::size_t kBuckets = kExactValues + kOctaves * kBucketsPerOctave;

std::size_t bucket_of(std::int64_t value) {
  if (value < kExactValues) return static_cast<std::size_t>(value);
  const auto v = static_cast<std::uint64_t>(value);
  const int e = std::bit_width(v) - 1;
  const std::uint64_t top = v >> (e - (kExactBits - 1));  // in [512, 1024)
  return static_cast<std::size_t>(kExactValues + (e - kExactBits) * kBucketsPerOctave + static_cast<std::int64_t>(top) -
                                  kBucketsPerOctave);
}

// The midpoint of the values that fall into `bucket`.
std::int64_t representative_of(std::size_t bucket) {
  const auto b = static_cast<std::int64_t>(bucket);
  if (b < kExactValues) return b;
  const std::int64_t octave = (b - kExactValues) / kBucketsPerOctave;
  const std::int64_t top = (b - kExactValues) % kBucketsPerOctave + kBucketsPerOctave;
  const int shift = static_cast<int>(octave) + 1;  // e - 9
  const std::int64_t low = top << shift;
  return low + ((std::int64_t{1} << shift) - 1) / 2;
}

}  // namespace

JitterHistogram::JitterHistogram() : counts_(kBuckets, 0) {}

void JitterHistogram::record(std::int64_t error_ns) {
  const std::int64_t value = std::max<std::int64_t>(error_ns, 0);
  ++counts_[bucket_of(value)];
  ++count_;
  max_ns_ = std::max(max_ns_, value);
}

std::int64_t JitterHistogram::percentile_ns(double q) const {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(q, 0.0, 100.0);
  // q * n first: exact for whole q, so ceil() sees 99 for p99 of 100 values, not 99.00000000000001.
  const double exact_rank = clamped * static_cast<double>(count_) / 100.0;
  const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(exact_rank - 1e-9)));
  if (rank == count_) return max_ns_;  // the largest value is known exactly
  std::int64_t seen = 0;
  for (std::size_t bucket = 0; bucket < counts_.size(); ++bucket) {
    seen += counts_[bucket];
    if (seen >= rank) return std::min(representative_of(bucket), max_ns_);
  }
  return max_ns_;
}

}  // namespace calmon::replay
