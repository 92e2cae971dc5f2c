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
#include "core/work_sharing.h"

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

  // The same means computed in parts, by several threads at once (work_sharing.h):
  // begin(frame) on one thread, then every part's sum_rows(frame, part, parts), then,
  // once all of those are done, every part's sum_regions(frame, part, parts); means()
  // then holds them all. Each part writes rows and regions of its own, so the means are
  // the same bits. sum_rows does nothing with spans.
  template <class T> void begin(FrameView<T> frame);
  template <class T> void sum_rows(FrameView<T> frame, std::size_t part, std::size_t parts);
  template <class T> void sum_regions(FrameView<T> frame, std::size_t part, std::size_t parts);
  const std::vector<double>& means() const { return means_; }

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
  template <class T> std::vector<RunningSum<T>>& running();
  template <class T> void span_sums(FrameView<T> frame, std::size_t first, std::size_t last);
  template <class T, class Acc>
  void running_rows(FrameView<T> frame, std::vector<Acc>& running, std::size_t first, std::size_t last);
  template <class T, class Acc>
  void prefix_span_sums(const std::vector<Acc>& running, std::size_t first, std::size_t last);

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
  begin(frame);
  sum_rows(frame, 0, 1);
  sum_regions(frame, 0, 1);
  return means_;
}

template <class T> std::vector<RegionSums::RunningSum<T>>& RegionSums::running() {
  if constexpr (std::is_same_v<RunningSum<T>, std::uint32_t>) {
    return running32_;
  } else {
    return running64_;
  }
}

template <class T> void RegionSums::begin(FrameView<T> frame) {
  static_assert(std::is_integral_v<T>, "RegionSums sums integer pixels; RegionMean does floats");
  check_shape(frame.shape());
  if (strategy_ == Strategy::kRowPrefixSums) {
    running<T>().resize((static_cast<std::size_t>(shape_.width) + 1) * static_cast<std::size_t>(shape_.height));
  }
}

template <class T> void RegionSums::sum_rows(FrameView<T> frame, std::size_t part, std::size_t parts) {
  if (strategy_ != Strategy::kRowPrefixSums) return;
  const PartRange rows = part_range(rows_.size(), part, parts);
  running_rows(frame, running<T>(), rows.begin, rows.end);
}

template <class T> void RegionSums::sum_regions(FrameView<T> frame, std::size_t part, std::size_t parts) {
  const PartRange regions = part_range(counts_.size(), part, parts);
  if (strategy_ == Strategy::kSpans) {
    span_sums(frame, regions.begin, regions.end);
  } else {
    prefix_span_sums<T>(running<T>(), regions.begin, regions.end);
  }
}

template <class T> void RegionSums::span_sums(FrameView<T> frame, std::size_t first, std::size_t last) {
  const T* pixels = frame.data();
  for (std::size_t i = first; i < last; ++i) {
    Sum<T> sum = 0;
    for (std::size_t k = first_span_[i]; k < first_span_[i + 1]; ++k) {
      Sum<T> span_sum = 0;
      for (std::uint32_t j = spans_[k].begin; j < spans_[k].end; ++j) span_sum += pixels[j];
      sum += span_sum;
    }
    means_[i] = static_cast<double>(sum) / counts_[i];
  }
}

template <class T, class Acc>
void RegionSums::running_rows(FrameView<T> frame, std::vector<Acc>& running, std::size_t first, std::size_t last) {
  const std::size_t stride = static_cast<std::size_t>(shape_.width) + 1;
  for (std::size_t r = first; r < last; ++r) {
    const int y = rows_[r];
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
}

template <class T, class Acc>
void RegionSums::prefix_span_sums(const std::vector<Acc>& running, std::size_t first, std::size_t last) {
  // A span's sum as the pixel type's signedness reads it (int16: int32 after the wrap).
  using SpanSum = std::conditional_t<std::is_signed_v<T>, std::make_signed_t<Acc>, Acc>;
  const Acc* sums = running.data();
  for (std::size_t i = first; i < last; ++i) {
    Sum<T> sum = 0;
    for (std::size_t k = first_span_[i]; k < first_span_[i + 1]; ++k) {
      sum += static_cast<SpanSum>(sums[spans_[k].end] - sums[spans_[k].begin]);
    }
    means_[i] = static_cast<double>(sum) / counts_[i];
  }
}

}  // namespace calmon
