// shift_frame.cc — the shift split into a whole part (which rows and columns to read)
// and one fractional weight per axis, the same for every pixel of a uniform shift.
#include "core/shift_frame.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"

namespace calmon {
namespace {

// Along one axis of n pixels: output i reads source i + whole (and i + whole + 1 with
// weight fraction when fraction > 0). A shift beyond the frame leaves nothing valid.
struct AxisShift {
  int whole = 0;
  float fraction = 0.0f;
  int first_valid = 0;  // output indices [first_valid, end_valid) read only inside pixels
  int end_valid = 0;
};

AxisShift axis_shift(double shift, int n) {
  AxisShift axis;
  const double source_offset = -shift;
  if (std::abs(source_offset) >= n) return axis;  // nothing valid
  const double whole = std::floor(source_offset);
  axis.whole = static_cast<int>(whole);
  axis.fraction = static_cast<float>(source_offset - whole);
  const int reach = axis.fraction > 0.0f ? 1 : 0;  // the second neighbour read
  axis.first_valid = std::max(0, -axis.whole);
  axis.end_valid = std::min(n, n - axis.whole - reach);
  if (axis.end_valid < axis.first_valid) axis.end_valid = axis.first_valid;
  return axis;
}

template <class T> void shift_row(const T* source, const AxisShift& ax, int width, float* out) {
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  std::fill(out, out + ax.first_valid, nan);
  std::fill(out + ax.end_valid, out + width, nan);
  const int w = ax.whole;
  if (ax.fraction == 0.0f) {
    for (int x = ax.first_valid; x < ax.end_valid; ++x) out[x] = static_cast<float>(source[x + w]);
    return;
  }
  const float f = ax.fraction, g = 1.0f - ax.fraction;
  for (int x = ax.first_valid; x < ax.end_valid; ++x) {
    out[x] = g * static_cast<float>(source[x + w]) + f * static_cast<float>(source[x + w + 1]);
  }
}

template <class T> void shift_typed(FrameView<T> frame, double dy, double dx, std::span<float> out) {
  const int width = frame.width(), height = frame.height();
  const AxisShift ax = axis_shift(dx, width);
  const AxisShift ay = axis_shift(dy, height);
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  for (int y = 0; y < height; ++y) {
    float* row = out.data() + static_cast<std::size_t>(y) * width;
    if (y < ay.first_valid || y >= ay.end_valid) {
      std::fill(row, row + width, nan);
      continue;
    }
    shift_row(frame.row(y + ay.whole), ax, width, row);
    if (ay.fraction == 0.0f) continue;
    // The row below, blended in place: row = (1 − f)·row + f·below, computed in order so
    // a pixel's horizontal value is taken before it is overwritten.
    const float f = ay.fraction, g = 1.0f - ay.fraction;
    const T* below = frame.row(y + ay.whole + 1);
    const int w = ax.whole;
    for (int x = ax.first_valid; x < ax.end_valid; ++x) {
      const float lower = ax.fraction == 0.0f ? static_cast<float>(below[x + w])
                                              : (1.0f - ax.fraction) * static_cast<float>(below[x + w]) +
                                                    ax.fraction * static_cast<float>(below[x + w + 1]);
      row[x] = g * row[x] + f * lower;
    }
  }
}

}  // namespace

void shift_frame(AnyFrameView frame, double dy, double dx, std::span<float> out) {
  if (out.size() != frame.shape().pixel_count()) {
    throw Error("shift_frame: the output has " + std::to_string(out.size()) + " values, the frame " +
                std::to_string(frame.shape().pixel_count()));
  }
  if (!std::isfinite(dy) || !std::isfinite(dx)) throw Error("shift_frame: the shift is not finite");
  frame.visit([&](auto view) { shift_typed(view, dy, dx, out); });
}

}  // namespace calmon
