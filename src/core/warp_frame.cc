// warp_frame.cc — shift_frame's arithmetic (shift_frame.cc) applied pixel by pixel.
//
// shift_frame splits −shift (a double) into whole = floor(−shift) and fraction =
// float(−shift − whole). Here the displacement is a float d, and −d, floor(−d) and
// −d − floor(−d) are exact in float (the fractional part of a float is a float), so the
// split done in float gives the very same whole and fraction as shift_frame's double
// path for the shift double(d). The blend then repeats shift_frame's expressions:
// g·a + f·b with g = 1 − f along x, and g·upper + f·lower along y.
#include "core/warp_frame.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"

namespace calmon {
namespace {

// One axis of one pixel: read source index i + whole (and i + whole + 1, weight
// fraction, when fraction > 0); valid when every index read is inside [0, n).
struct AxisSample {
  int index = 0;  // the first source index read
  float fraction = 0.0f;
  bool valid = false;
};

inline AxisSample axis_sample(float displacement, int i, int n) {
  AxisSample sample;
  const float source_offset = -displacement;
  // Also false for NaN; beyond ±n nothing is inside (and the int conversion is safe).
  if (!(std::abs(source_offset) < static_cast<float>(n))) return sample;
  const float whole = std::floor(source_offset);
  sample.fraction = source_offset - whole;
  sample.index = i + static_cast<int>(whole);
  const int reach = sample.fraction > 0.0f ? 1 : 0;
  sample.valid = sample.index >= 0 && sample.index + reach < n;
  return sample;
}

template <class T> inline float along_x(const T* row, const AxisSample& ax) {
  if (ax.fraction == 0.0f) return static_cast<float>(row[ax.index]);
  const float f = ax.fraction, g = 1.0f - ax.fraction;
  return g * static_cast<float>(row[ax.index]) + f * static_cast<float>(row[ax.index + 1]);
}

template <class T>
void warp_typed(FrameView<T> frame, std::span<const float> dy, std::span<const float> dx, std::span<float> out) {
  const int width = frame.width(), height = frame.height();
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  for (int y = 0; y < height; ++y) {
    const std::size_t row = static_cast<std::size_t>(y) * static_cast<std::size_t>(width);
    for (int x = 0; x < width; ++x) {
      const std::size_t p = row + static_cast<std::size_t>(x);
      const AxisSample ay = axis_sample(dy[p], y, height);
      const AxisSample ax = axis_sample(dx[p], x, width);
      if (!ay.valid || !ax.valid) {
        out[p] = nan;
        continue;
      }
      const float upper = along_x(frame.row(ay.index), ax);
      if (ay.fraction == 0.0f) {
        out[p] = upper;
        continue;
      }
      const float f = ay.fraction, g = 1.0f - ay.fraction;
      out[p] = g * upper + f * along_x(frame.row(ay.index + 1), ax);
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
