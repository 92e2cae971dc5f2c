// region_mean.h — the mean of a Region's pixels in one frame: an ROI's F for that frame.
//
// The region is compiled once, for one frame shape, into row spans (y, x0..x1) sorted
// row-major, so extracting a frame's value is a few contiguous loops with no per-pixel
// lookups. The numbers are numpy's:
//   - unit weights, integer pixels: the sum is exact in 64-bit integers and divided once
//     by the count — bit-identical to data[t, ymin:ymax, xmin:xmax].mean() (numpy sums
//     integers in float64, exactly below 2^53), and a single pixel gives data[t, y, x].
//   - unit weights, float pixels: numpy's own summation order in the pixel type
//     (numpy_sum.h), so float32 and float64 means are bit-identical to numpy too (a mask
//     counts as numpy's data[t, ypix, xpix].mean() with its pixels listed row-major).
//   - weighted masks: sum(w * p) / sum(w) in double (≤ 1e-12 relative to numpy).
// Cost per frame: O(pixels) plus O(rows) loop overhead; memory: one span per run of
// consecutive pixels in a row, one weight per pixel for weighted masks.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/frame_view.h"
#include "core/numpy_sum.h"
#include "core/region.h"

namespace calmon {

class RegionMean {
 public:
  // `region` must be validated for `shape` (Region::validate).
  RegionMean(const Region& region, FrameShape shape);

  template <class T> double operator()(FrameView<T> frame) const;
  double operator()(AnyFrameView frame) const;
  // The mean over the pixels that are not NaN — in registered frames, those that came
  // from inside the frame (motion_correction.h) — as sum(w·p) / sum(w) over them in
  // double, rounded to the pixel type for floats (numpy's nanmean, within float32's last
  // bit); NaN when none is. Slower than operator(): for the few frames an ROI needs it.
  template <class T> double valid_mean(FrameView<T> frame) const;

  std::size_t pixel_count() const { return pixel_count_; }
  FrameShape shape() const { return shape_; }

 private:
  // Pixels x0..x1-1 of row y; for weighted masks their weights start at weights_[first_weight].
  struct RowSpan {
    int y;
    int x0;
    int x1;
    std::size_t first_weight;
  };

  void check_shape(FrameShape frame_shape) const;
  template <class T> double unit_weight_mean(FrameView<T> frame) const;
  template <class T> double weighted_mean(FrameView<T> frame) const;

  FrameShape shape_;
  std::vector<RowSpan> spans_;
  std::vector<double> weights_;  // empty: unit weights
  double weight_sum_ = 0.0;
  std::size_t pixel_count_ = 0;
};

template <class T> double RegionMean::operator()(FrameView<T> frame) const {
  check_shape(frame.shape());
  return weights_.empty() ? unit_weight_mean(frame) : weighted_mean(frame);
}

template <class T> double RegionMean::valid_mean(FrameView<T> frame) const {
  check_shape(frame.shape());
  double sum = 0.0;
  double weight_sum = 0.0;
  for (const RowSpan& span : spans_) {
    const T* row = frame.row(span.y) + span.x0;
    const int n = span.x1 - span.x0;
    for (int i = 0; i < n; ++i) {
      const auto value = static_cast<double>(row[i]);
      if (std::isnan(value)) continue;
      const double weight = weights_.empty() ? 1.0 : weights_[span.first_weight + static_cast<std::size_t>(i)];
      sum += weight * value;
      weight_sum += weight;
    }
  }
  if (weight_sum == 0.0) return std::numeric_limits<double>::quiet_NaN();
  const double mean = sum / weight_sum;
  if constexpr (std::is_floating_point_v<T>) {
    if (weights_.empty()) return static_cast<double>(static_cast<T>(mean));
  }
  return mean;
}

template <class T> double RegionMean::unit_weight_mean(FrameView<T> frame) const {
  if constexpr (std::is_integral_v<T>) {
    using Sum = std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>;
    Sum sum = 0;
    for (const RowSpan& span : spans_) {
      const T* row = frame.row(span.y);
      Sum row_sum = 0;
      for (int x = span.x0; x < span.x1; ++x) row_sum += row[x];
      sum += row_sum;
    }
    return static_cast<double>(sum) / static_cast<double>(pixel_count_);
  } else {
    T sum;
    if (spans_.size() == 1) {  // one run in memory (a pixel, one row): no gathering
      const RowSpan& span = spans_.front();
      sum = numpy_sum(frame.row(span.y) + span.x0, static_cast<std::size_t>(span.x1 - span.x0));
    } else {
      NumpyChunkedSum<T> chunked;
      for (const RowSpan& span : spans_) {
        chunked.add(frame.row(span.y) + span.x0, static_cast<std::size_t>(span.x1 - span.x0));
      }
      sum = chunked.total();
    }
    // numpy divides the float32 sum by the count and rounds to float32; dividing in
    // double and rounding once gives that correctly rounded quotient.
    return static_cast<double>(static_cast<T>(static_cast<double>(sum) / static_cast<double>(pixel_count_)));
  }
}

template <class T> double RegionMean::weighted_mean(FrameView<T> frame) const {
  double sum = 0.0;
  for (const RowSpan& span : spans_) {
    const T* row = frame.row(span.y) + span.x0;
    const double* weight = weights_.data() + span.first_weight;
    const int n = span.x1 - span.x0;
    for (int i = 0; i < n; ++i) sum += weight[i] * static_cast<double>(row[i]);
  }
  return sum / weight_sum_;
}

}  // namespace calmon
