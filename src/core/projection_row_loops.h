// projection_row_loops.h — the per-row loops that projections share, in numpy's arithmetic.
//
// Each is a plain loop over one contiguous row (or a whole cropped frame), which the
// compiler vectorizes: numpy's maximum/minimum (NaN wins), a running sum in a chosen
// type, Welford's update of a mean and sum of squares, and numpy's quotient for a mean.
// The float accumulators and the last-N-frames ring use them; the integer kernels have
// their own fused pass (integer_frame_kernels.h).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace calmon::detail {

// numpy's maximum/minimum: NaN wins, otherwise the larger/smaller (ties keep the first).
template <class T> T numpy_maximum(T kept, T x) {
  if constexpr (std::is_floating_point_v<T>) return (kept >= x || kept != kept) ? kept : x;
  else return std::max(kept, x);
}
template <class T> T numpy_minimum(T kept, T x) {
  if constexpr (std::is_floating_point_v<T>) return (kept <= x || kept != kept) ? kept : x;
  else return std::min(kept, x);
}

template <class T> void take_max(T* __restrict kept, const T* __restrict x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) kept[i] = numpy_maximum(kept[i], x[i]);
}
template <class T> void take_min(T* __restrict kept, const T* __restrict x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) kept[i] = numpy_minimum(kept[i], x[i]);
}

template <class S, class T> void add_plain(S* __restrict sum, const T* __restrict x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) sum[i] += static_cast<S>(x[i]);
}

// Welford: mean += (x - mean) / n; m2 += (x - old mean) * (x - new mean).
template <class T>
void welford_update(double* __restrict mean, double* __restrict m2, const T* __restrict x, std::size_t n,
                    double inverse_count) {
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    const double delta = v - mean[i];
    mean[i] += delta * inverse_count;
    m2[i] += delta * (v - mean[i]);
  }
}

// The pixel type's numpy mean: integers divide an exact sum in double; floats divide and
// round to their own type (numpy's float32 result).
template <class T, class S> double numpy_quotient(S sum, std::int64_t count) {
  const double q = static_cast<double>(sum) / static_cast<double>(count);
  if constexpr (std::is_floating_point_v<T>) return static_cast<double>(static_cast<T>(q));
  else return q;
}

}  // namespace calmon::detail
