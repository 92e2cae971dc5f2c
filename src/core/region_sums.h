// region_sums.h — the means of many unit-weight regions (ROIs and their neuropil) in one
// integer frame, computed together: the pipeline's per-frame extraction.
//
// Every region is compiled once, for one frame shape, into row spans stored in one flat
// array (region after region, each row-major), so a frame costs a few tight loops and no
// per-region call. Two strategies give the same exact integer sums, hence the same bits
// as RegionMean (sum in 64 bits, divided once by the count: numpy's integer mean):
//   - spans: add each span's pixels. Cost ~ pixels + spans.
//   - row prefix sums: first turn every row that some span touches into its running
//     sums P[x] = p[0] + ... + p[x-1] (P[0] = 0), then a span x0..x1 is P[x1] - P[x0],
//     O(1) however long. Cost ~ scanned pixels + spans. 32-bit running sums hold every
//     span of 8- or 16-bit pixels in a row up to 65536 wide (int16 ones wrap modulo 2^32
//     and come back exact as int32); 32-bit pixels use 64-bit sums.
// The strategy is chosen at construction from a cost model (kAuto) or forced (tests):
//   spans:  2.6 ns per span + 0.11 ns per pixel
//   prefix: 0.42 ns per scanned pixel + 1.4 ns per span
// so prefix sums pay once 1.2 spans + 0.11 pixels > 0.42 scanned pixels (the fit is in
// region_sums.cc). Measured crossover for N 12x12 ROIs with their rings on 512x512
// uint16 (calmon-microbench RegionSums/n, µs per frame, spans vs prefix sums):
//   N = 100: 19 vs 114   300: 60 vs 129   1000: 170-350 vs 193   3000: 1627 vs 418
//   10000: 3500 vs 1904
// (spans at N = 1000 vary from run to run; PipelineFrame/1000 takes 885 µs with spans,
// 810 with prefix sums). The model switches at N ≈ 830.
//
// Only integer pixels with unit weights take this path: float sums must follow numpy's
// pairwise order and weighted masks sum w * p in double (RegionMean does both).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/frame_view.h"
#include "core/pixel_type.h"
#include "core/region.h"

namespace calmon {

class RegionSums {
 public:
  enum class Strategy { kAuto, kSpans, kRowPrefixSums };

  // Whether frames of this type and shape can use a RegionSums: integer pixels, and span
  // offsets that fit 32 bits.
  static bool supports(PixelType type, FrameShape shape);

  // `regions` must be validated for `shape` and have unit weights; their means come out
  // in this order. Throws calmon::Error for a weighted region, or for kRowPrefixSums on
  // rows wider than 65536 pixels (kAuto then uses spans).
  RegionSums(std::span<const Region* const> regions, FrameShape shape, Strategy strategy = Strategy::kAuto);

  // Every region's mean in this frame, in construction order; valid until the next call.
  template <class T> const std::vector<double>& means(FrameView<T> frame);

  Strategy strategy() const { return strategy_; }
  std::size_t size() const { return counts_.size(); }
  std::size_t span_count() const { return spans_.size(); }
  std::size_t pixel_count() const { return pixel_count_; }

 private:
  // Half-open offsets of one span: into the frame (spans) or into the running sums, whose
  // rows are width + 1 long (prefix sums).
  struct Span {
    std::uint32_t begin;
    std::uint32_t end;
  };

  // The running sums of 8- and 16-bit pixels fit 32 bits (see above), others need 64.
  template <class T> using RunningSum = std::conditional_t<sizeof(T) <= 2, std::uint32_t, std::uint64_t>;
  // RegionMean's exact 64-bit sum.
  template <class T> using Sum = std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>;

  void check_shape(FrameShape frame_shape) const;
  template <class T> void span_sums(FrameView<T> frame);
  template <class T, class Acc> void prefix_sums(FrameView<T> frame, std::vector<Acc>& running);

  FrameShape shape_;
  Strategy strategy_ = Strategy::kSpans;
  std::vector<Span> spans_;
  std::vector<std::size_t> first_span_;  // region i's spans: first_span_[i] .. first_span_[i + 1]
  std::vector<double> counts_;           // pixels per region, the divisor
  std::vector<int> rows_;                // rows some span touches, ascending (prefix sums)
  std::size_t pixel_count_ = 0;
  std::vector<double> means_;
  std::vector<std::uint32_t> running32_;  // running sums, (width + 1) per row
  std::vector<std::uint64_t> running64_;
};

template <class T> const std::vector<double>& RegionSums::means(FrameView<T> frame) {
  static_assert(std::is_integral_v<T>, "RegionSums sums integer pixels; RegionMean does floats");
  check_shape(frame.shape());
  if (strategy_ == Strategy::kSpans) {
    span_sums(frame);
  } else if constexpr (std::is_same_v<RunningSum<T>, std::uint32_t>) {
    prefix_sums(frame, running32_);
  } else {
    prefix_sums(frame, running64_);
  }
  return means_;
}

template <class T> void RegionSums::span_sums(FrameView<T> frame) {
  const T* pixels = frame.data();
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    Sum<T> sum = 0;
    for (std::size_t k = first_span_[i]; k < first_span_[i + 1]; ++k) {
      Sum<T> span_sum = 0;
      for (std::uint32_t j = spans_[k].begin; j < spans_[k].end; ++j) span_sum += pixels[j];
      sum += span_sum;
    }
    means_[i] = static_cast<double>(sum) / counts_[i];
  }
}

template <class T, class Acc> void RegionSums::prefix_sums(FrameView<T> frame, std::vector<Acc>& running) {
  const std::size_t stride = static_cast<std::size_t>(shape_.width) + 1;
  running.resize(stride * static_cast<std::size_t>(shape_.height));
  for (int y : rows_) {
    const T* row = frame.row(y);
    Acc* out = running.data() + static_cast<std::size_t>(y) * stride;
    Acc sum = 0;
    out[0] = 0;
    // int16 pixels wrap into the unsigned sum; differences undo the wrap exactly.
    for (int x = 0; x < shape_.width; ++x) {
      sum += static_cast<Acc>(row[x]);
      out[x + 1] = sum;
    }
  }
  // A span's sum as the pixel type's signedness reads it (int16: int32 after the wrap).
  using SpanSum = std::conditional_t<std::is_signed_v<T>, std::make_signed_t<Acc>, Acc>;
  const Acc* sums = running.data();
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    Sum<T> sum = 0;
    for (std::size_t k = first_span_[i]; k < first_span_[i + 1]; ++k) {
      sum += static_cast<SpanSum>(sums[spans_[k].end] - sums[spans_[k].begin]);
    }
    means_[i] = static_cast<double>(sum) / counts_[i];
  }
}

}  // namespace calmon
