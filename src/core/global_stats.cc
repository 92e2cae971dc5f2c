// global_stats.cc — np.mean, np.median and np.min of a whole frame, to numpy's bits.
//
// 8- and 16-bit pixels: one pass for the exact sum and the range, then a counting
// histogram over the range for the two middle values. Wider types: nth_element on a
// scratch copy. Floats keep numpy's own arithmetic in the pixel type.
#include "core/global_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/error.h"
#include "core/numpy_sum.h"

namespace calmon {

namespace {

// The value at 0-based rank `rank` of the sorted pixels, from a histogram over [lowest, ...].
template <class T> T value_at_rank(const std::vector<std::uint32_t>& histogram, T lowest, std::size_t rank) {
  std::size_t below = 0;
  for (std::size_t bin = 0; bin < histogram.size(); ++bin) {
    below += histogram[bin];
    if (below > rank) return static_cast<T>(lowest + static_cast<int>(bin));
  }
  return static_cast<T>(lowest + static_cast<int>(histogram.size()) - 1);  // not reached
}

// 8- and 16-bit integers: exact sum, min and max in one vectorizable pass, then a
// counting histogram over [min, max] for the median.
template <class T>
GlobalStats small_integer_stats(const T* pixels, std::size_t n, std::vector<std::uint32_t>& histogram) {
  // Blocks of 65536 pixels sum exactly in 32 bits (65536 * 65535 < 2^32), then in 64.
  using BlockSum = std::conditional_t<std::is_signed_v<T>, std::int32_t, std::uint32_t>;
  using Sum = std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>;
  constexpr std::size_t kBlock = 65536;
  Sum sum = 0;
  T lowest = pixels[0];
  T highest = pixels[0];
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t end = std::min(n, start + kBlock);
    BlockSum block_sum = 0;
    for (std::size_t i = start; i < end; ++i) {
      const T v = pixels[i];
      block_sum += v;
      lowest = std::min(lowest, v);
      highest = std::max(highest, v);
    }
    sum += block_sum;
  }

  histogram.assign(static_cast<std::size_t>(static_cast<int>(highest) - static_cast<int>(lowest)) + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++histogram[static_cast<std::size_t>(pixels[i] - lowest)];
  const T lower_middle = value_at_rank(histogram, lowest, (n - 1) / 2);
  const T upper_middle = value_at_rank(histogram, lowest, n / 2);

  GlobalStats stats;
  stats.mean = static_cast<double>(sum) / static_cast<double>(n);
  stats.median = (static_cast<double>(lower_middle) + static_cast<double>(upper_middle)) / 2.0;
  stats.min = static_cast<double>(lowest);
  return stats;
}

// The two middle values of `values` (lower, upper) by partial sorting; reorders `values`.
template <class T> std::pair<T, T> middle_values(std::vector<T>& values) {
  const std::size_t n = values.size();
  const auto upper = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), upper, values.end());
  if (n % 2 == 1) return {*upper, *upper};
  return {*std::max_element(values.begin(), upper), *upper};
}

GlobalStats uint32_stats(const std::uint32_t* pixels, std::size_t n, std::vector<std::uint32_t>& scratch) {
  std::uint64_t sum = 0;
  std::uint32_t lowest = pixels[0];
  for (std::size_t i = 0; i < n; ++i) {
    sum += pixels[i];
    lowest = std::min(lowest, pixels[i]);
  }
  scratch.assign(pixels, pixels + n);
  const auto [lower_middle, upper_middle] = middle_values(scratch);

  GlobalStats stats;
  stats.mean = static_cast<double>(sum) / static_cast<double>(n);
  stats.median = (static_cast<double>(lower_middle) + static_cast<double>(upper_middle)) / 2.0;
  stats.min = static_cast<double>(lowest);
  return stats;
}

// float and double: numpy's arithmetic in the pixel type; NaN anywhere gives NaN.
template <class F> GlobalStats float_stats(const F* pixels, std::size_t n, std::vector<F>& scratch) {
  bool any_nan = false;
  F lowest = pixels[0];
  for (std::size_t i = 0; i < n; ++i) {
    any_nan |= std::isnan(pixels[i]);
    lowest = std::min(lowest, pixels[i]);
  }
  if (any_nan) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return GlobalStats{nan, nan, nan};
  }
  const F sum = numpy_sum(pixels, n);
  scratch.assign(pixels, pixels + n);
  const auto [lower_middle, upper_middle] = middle_values(scratch);
  const F two = 2;

  GlobalStats stats;
  stats.mean = static_cast<double>(static_cast<F>(static_cast<double>(sum) / static_cast<double>(n)));
  stats.median = static_cast<double>(static_cast<F>(lower_middle + upper_middle) / two);
  stats.min = static_cast<double>(lowest);
  return stats;
}

}  // namespace

template <class T> GlobalStats GlobalFrameStats::operator()(FrameView<T> frame) {
  const std::size_t n = frame.pixel_count();
  if (n == 0 || frame.data() == nullptr) throw Error("global frame stats: the frame has no pixels");
  if constexpr (std::is_same_v<T, std::uint32_t>) {
    return uint32_stats(frame.data(), n, scratch_u32_);
  } else if constexpr (std::is_integral_v<T>) {
    return small_integer_stats(frame.data(), n, histogram_);
  } else if constexpr (std::is_same_v<T, float>) {
    return float_stats(frame.data(), n, scratch_f32_);
  } else {
    return float_stats(frame.data(), n, scratch_f64_);
  }
}

template GlobalStats GlobalFrameStats::operator()(FrameView<std::uint8_t>);
template GlobalStats GlobalFrameStats::operator()(FrameView<std::uint16_t>);
template GlobalStats GlobalFrameStats::operator()(FrameView<std::int16_t>);
template GlobalStats GlobalFrameStats::operator()(FrameView<std::uint32_t>);
template GlobalStats GlobalFrameStats::operator()(FrameView<float>);
template GlobalStats GlobalFrameStats::operator()(FrameView<double>);

GlobalStats GlobalFrameStats::operator()(AnyFrameView frame) {
  return frame.visit([&](auto view) { return (*this)(view); });
}

}  // namespace calmon
