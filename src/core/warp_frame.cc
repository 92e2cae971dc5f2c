// warp_frame.cc — shift_frame's arithmetic (shift_frame.cc) applied pixel by pixel.
//
// shift_frame splits −shift (a double) into whole = floor(−shift) and fraction =
// float(−shift − whole). Here the displacement is a float d, and −d, floor(−d) and
// −d − floor(−d) are exact in float (the fractional part of a float is a float), so the
// split done in float gives the very same whole and fraction as shift_frame's double
// path for the shift double(d). The blend then repeats shift_frame's expressions:
// g·a + f·b with g = 1 − f along x, and g·upper + f·lower along y.
#include "core/warp_frame.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"

namespace calmon {
namespace {

// A row is done in chunks of kChunk pixels, in two passes: first each pixel's split along
// y and x (branch-free, so the compiler can vectorize it), then the reads and blends.
constexpr int kChunk = 256;

// Along one axis, for the count pixels of a chunk: pixel k reads source index index[k]
// (and index[k] + 1 with weight fraction[k] when it is > 0); valid[k] is 1 when every
// index read is inside [0, n).
struct AxisSplit {
  int index[kChunk];
  float fraction[kChunk];
  int valid[kChunk];  // 0 or 1 (int, as the other arrays: the loop vectorizes)
};

// position(k) is pixel k's own index along the axis (its column, or the row's y).
template <class Position>
inline void split_axis(const float* displacement, int count, int n, Position position, AxisSplit& split) {
  const auto limit = static_cast<float>(n);
  for (int k = 0; k < count; ++k) {
    const float source_offset = -displacement[k];
    // Beyond ±n nothing is inside; false for NaN too.
    const int within = std::abs(source_offset) < limit;
    // Clamped into ±n (NaN to n) so that the conversion below is safe; written as
    // selects the compiler turns into min/max, so that the loop vectorizes.
    const float below = source_offset < limit ? source_offset : limit;
    const float offset = -limit < below ? below : -limit;
    // floor(offset) without a call into libm (baseline x86-64 has no rounding
    // instruction): truncate, then step down for a negative non-integer. The same whole
    // number and, whole being exact, the same fraction as std::floor gives.
    int whole = static_cast<int>(offset);
    whole -= static_cast<float>(whole) > offset ? 1 : 0;
    const float fraction = offset - static_cast<float>(whole);
    const int index = position(k) + whole;
    const int reach = fraction > 0.0f ? 1 : 0;
    split.index[k] = index;
    split.fraction[k] = fraction;
    split.valid[k] = within & static_cast<int>(index >= 0) & static_cast<int>(index + reach < n);  // no branch
  }
}

template <class T> inline float along_x(const T* row, int index, float fraction) {
  if (fraction == 0.0f) return static_cast<float>(row[index]);
  const float f = fraction, g = 1.0f - fraction;
  return g * static_cast<float>(row[index]) + f * static_cast<float>(row[index + 1]);
}

template <class T>
void warp_typed(FrameView<T> frame, std::span<const float> dy, std::span<const float> dx, std::span<float> out) {
  const int width = frame.width(), height = frame.height();
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  AxisSplit ys, xs;
  for (int y = 0; y < height; ++y) {
    for (int x0 = 0; x0 < width; x0 += kChunk) {
      const int count = std::min(kChunk, width - x0);
      const std::size_t p0 =
          static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x0);
      split_axis(
          dy.data() + p0, count, height, [y](int) { return y; }, ys);
      split_axis(
          dx.data() + p0, count, width, [x0](int k) { return x0 + k; }, xs);
      float* to = out.data() + p0;
      for (int k = 0; k < count; ++k) {
        if (!(ys.valid[k] & xs.valid[k])) {
          to[k] = nan;
          continue;
        }
        const float upper = along_x(frame.row(ys.index[k]), xs.index[k], xs.fraction[k]);
        if (ys.fraction[k] == 0.0f) {
          to[k] = upper;
          continue;
        }
        const float f = ys.fraction[k], g = 1.0f - ys.fraction[k];
        to[k] = g * upper + f * along_x(frame.row(ys.index[k] + 1), xs.index[k], xs.fraction[k]);
      }
    }
  }
}

}  // namespace

void warp_frame(AnyFrameView frame, std::span<const float> dy, std::span<const float> dx, std::span<float> out) {
  const std::size_t pixels = frame.shape().pixel_count();
  if (dy.size() != pixels || dx.size() != pixels || out.size() != pixels) {
    throw Error("warp_frame: the displacement has " + std::to_string(dy.size()) + " and " + std::to_string(dx.size()) +
                " values and the output " + std::to_string(out.size()) + ", the frame " + std::to_string(pixels));
  }
  frame.visit([&](auto view) { warp_typed(view, dy, dx, out); });
}

}  // namespace calmon
