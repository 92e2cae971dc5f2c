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

// row = (1 − f)·row + f·lower over the valid columns: the vertical blend.
void blend_rows(float* __restrict row, const float* __restrict lower, const AxisShift& ax, float f) {
  const float g = 1.0f - f;
  for (int x = ax.first_valid; x < ax.end_valid; ++x) row[x] = g * row[x] + f * lower[x];
}

template <class T> void shift_typed(FrameView<T> frame, double dy, double dx, std::span<float> out) {
  const int width = frame.width(), height = frame.height();
  const AxisShift ax = axis_shift(dx, width);
  const AxisShift ay = axis_shift(dy, height);
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  const auto out_row = [&](int y) { return out.data() + static_cast<std::size_t>(y) * width; };
  for (int y = 0; y < ay.first_valid; ++y) std::fill(out_row(y), out_row(y) + width, nan);
  // Each source row is shifted along x once: a fractional y shift blends output row y
  // with the next source row, which is output row y + 1's own upper row, so it is shifted
  // into that row and blended from there.
  for (int y = ay.first_valid; y < ay.end_valid; ++y) {
    if (y == ay.first_valid) shift_row(frame.row(y + ay.whole), ax, width, out_row(y));
    if (ay.fraction == 0.0f) {
      if (y + 1 < ay.end_valid) shift_row(frame.row(y + 1 + ay.whole), ax, width, out_row(y + 1));
      continue;
    }
    const T* below = frame.row(y + ay.whole + 1);
    if (y + 1 < height) {
      shift_row(below, ax, width, out_row(y + 1));
      blend_rows(out_row(y), out_row(y + 1), ax, ay.fraction);
      continue;
    }
    // The bottom row has no row below it to use: its lower values are made one by one.
    const float f = ay.fraction, g = 1.0f - ay.fraction;
    float* row = out_row(y);
    for (int x = ax.first_valid; x < ax.end_valid; ++x) {
      const float lower = ax.fraction == 0.0f ? static_cast<float>(below[x + ax.whole])
                                              : (1.0f - ax.fraction) * static_cast<float>(below[x + ax.whole]) +
                                                    ax.fraction * static_cast<float>(below[x + ax.whole + 1]);
      row[x] = g * row[x] + f * lower;
    }
  }
  for (int y = ay.end_valid; y < height; ++y) std::fill(out_row(y), out_row(y) + width, nan);
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
