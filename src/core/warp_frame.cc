// warp_frame.cc — shift_frame's arithmetic (shift_frame.cc) applied pixel by pixel.
//
// shift_frame splits −shift (a double) into whole = floor(−shift) and fraction =
// float(−shift − whole). Here the displacement is a float d, and −d, floor(−d) and
// −d − floor(−d) are exact in float (the fractional part of a float is a float), so the
// split done in float gives the very same whole and fraction as shift_frame's double
// path for the shift double(d). The blend then repeats shift_frame's expressions:
// g·a + f·b with g = 1 − f along x, and g·upper + f·lower along y.
#include "core/warp_frame.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "core/cpu_features.h"
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

// Pixel k of a chunk whose splits are done, as shift_frame computes a pixel.
template <class T> inline float warp_pixel(FrameView<T> frame, const AxisSplit& ys, const AxisSplit& xs, int k) {
  if (!(ys.valid[k] & xs.valid[k])) return std::numeric_limits<float>::quiet_NaN();
  const float upper = along_x(frame.row(ys.index[k]), xs.index[k], xs.fraction[k]);
  if (ys.fraction[k] == 0.0f) return upper;
  const float f = ys.fraction[k], g = 1.0f - ys.fraction[k];
  return g * upper + f * along_x(frame.row(ys.index[k] + 1), xs.index[k], xs.fraction[k]);
}

// A chunk of a 16-bit frame, eight pixels at a time with AVX2: each pixel's two
// neighbours along x come in one 32-bit gather (pixel i in the low half, i + 1 in the
// high half), its upper and lower rows in two, and the blends are warp_pixel's, lane by
// lane (a fraction of 0 selects the first value, as warp_pixel's branches do). A group
// that would read the frame's last pixel's partner past the end goes pixel by pixel.
// The low or high 16-bit halves of eight 32-bit words, as floats.
template <class T> [[gnu::target("avx2"), gnu::always_inline]] inline __m256 half_to_float(__m256i halves, bool high) {
  __m256i v = high ? _mm256_srli_epi32(halves, 16) : _mm256_and_si256(halves, _mm256_set1_epi32(0xffff));
  if constexpr (std::is_signed_v<T>) v = _mm256_srai_epi32(_mm256_slli_epi32(v, 16), 16);
  return _mm256_cvtepi32_ps(v);
}

// g·a + f·b with g = 1 − f, or a where f is 0 (shift_frame's blend, lane by lane).
[[gnu::target("avx2"), gnu::always_inline]] inline __m256 blend_lanes(__m256 a, __m256 b, __m256 f) {
  const __m256 mixed = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(_mm256_set1_ps(1.0f), f), a), _mm256_mul_ps(f, b));
  return _mm256_blendv_ps(mixed, a, _mm256_cmp_ps(f, _mm256_setzero_ps(), _CMP_EQ_OQ));
}

template <class T>
[[gnu::target("avx2")]] void warp_chunk_avx2(FrameView<T> frame, const AxisSplit& ys, const AxisSplit& xs, int count,
                                             float* to) {
  static_assert(sizeof(T) == 2);
  const auto* base = reinterpret_cast<const int*>(frame.data());
  const int last_pair = static_cast<int>(frame.shape().pixel_count()) - 2;  // the last index a gather may read at
  const __m256i width = _mm256_set1_epi32(frame.width()), zero = _mm256_setzero_si256();
  const __m256 zeros = _mm256_setzero_ps();
  const __m256 nan = _mm256_set1_ps(std::numeric_limits<float>::quiet_NaN());
  int k = 0;
  for (; k + 8 <= count; k += 8) {
    const __m256i valid = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(ys.valid + k)),
                                           _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xs.valid + k)));
    const __m256i in = _mm256_cmpgt_epi32(valid, zero);
    const __m256 fy = _mm256_loadu_ps(ys.fraction + k), fx = _mm256_loadu_ps(xs.fraction + k);
    const __m256i row = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ys.index + k));
    const __m256i column = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xs.index + k));
    // Invalid pixels read pixel 0; a pixel with no fraction along y reads its own row twice.
    const __m256i upper = _mm256_and_si256(in, _mm256_add_epi32(_mm256_mullo_epi32(row, width), column));
    const __m256i has_lower = _mm256_castps_si256(_mm256_cmp_ps(fy, zeros, _CMP_NEQ_OQ));
    const __m256i lower = _mm256_add_epi32(upper, _mm256_and_si256(_mm256_and_si256(has_lower, in), width));
    if (_mm256_movemask_epi8(_mm256_cmpgt_epi32(lower, _mm256_set1_epi32(last_pair))) != 0) {
      for (int i = k; i < k + 8; ++i) to[i] = warp_pixel(frame, ys, xs, i);
      continue;
    }
    // Byte offsets of 16-bit pixels: scale 2.
    const __m256i upper_pair = _mm256_i32gather_epi32(base, upper, 2);
    const __m256i lower_pair = _mm256_i32gather_epi32(base, lower, 2);
    const __m256 top = blend_lanes(half_to_float<T>(upper_pair, false), half_to_float<T>(upper_pair, true), fx);
    const __m256 bottom = blend_lanes(half_to_float<T>(lower_pair, false), half_to_float<T>(lower_pair, true), fx);
    const __m256 value = blend_lanes(top, bottom, fy);
    _mm256_storeu_ps(to + k, _mm256_blendv_ps(nan, value, _mm256_castsi256_ps(in)));
  }
  for (; k < count; ++k) to[k] = warp_pixel(frame, ys, xs, k);
}

template <class T>
void warp_typed(FrameView<T> frame, std::span<const float> dy, std::span<const float> dx, std::span<float> out) {
  const int width = frame.width(), height = frame.height();
  constexpr bool kGathered = sizeof(T) == 2;
  const bool avx2 = kGathered && cpu_has_avx2();
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
      if constexpr (kGathered) {
        if (avx2) {
          warp_chunk_avx2(frame, ys, xs, count, to);
          continue;
        }
      }
      for (int k = 0; k < count; ++k) to[k] = warp_pixel(frame, ys, xs, k);
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
