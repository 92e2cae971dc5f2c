// integer_frame_kernels.cc — the fused row loop, compiled for two instruction sets, and the choice between them.
//
// The loops are always_inline templates, so each target-attributed entry point below gets
// its own copy of the whole frame loop, vectorized for its instruction set.
#include "core/integer_frame_kernels.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "core/cpu_features.h"
#include "core/error.h"

namespace calmon {

bool projection_kernels_have_avx2() { return cpu_has_avx2(); }

namespace detail {
namespace {

// The largest |x| of a row.
template <class Lane, class T>
[[gnu::always_inline]] inline Lane largest_magnitude(const T* __restrict x, std::size_t n) {
  using U = std::make_unsigned_t<T>;
  U m = 0;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, static_cast<U>(magnitude_lane<Lane>(x[i])));
  return m;
}

// One frame's row into max, min, Σu and Σx², in one pass.
template <class T, unsigned kDo, bool kFoldSq, class Lane>
[[gnu::always_inline]] inline void fused_row(const T* __restrict x, T* __restrict max, T* __restrict min,
                                             Lane* __restrict sum_lo, Lane* __restrict sq_lo, Lane* __restrict sq_hi,
                                             std::size_t n) {
  constexpr int kFoldBits = IntegerSums<T>::kFoldBits;
  constexpr Lane kLowMask = IntegerSums<T>::kLowMask;
  for (std::size_t i = 0; i < n; ++i) {
    const T v = x[i];
    if constexpr ((kDo & kDoMax) != 0) max[i] = std::max(max[i], v);
    if constexpr ((kDo & kDoMin) != 0) min[i] = std::min(min[i], v);
    if constexpr ((kDo & (kDoSum | kDoSumSq)) != 0) {
      sum_lo[i] += shifted_lane<Lane>(v);
      if constexpr ((kDo & kDoSumSq) != 0) {
        const Lane m = magnitude_lane<Lane>(v);
        const Lane q = m * m;
        if constexpr (kFoldSq) {
          const Lane lo = sq_lo[i];
          sq_hi[i] += (lo >> kFoldBits) + (q >> kFoldBits);
          sq_lo[i] = (lo & kLowMask) + (q & kLowMask);
        } else {
          sq_lo[i] += q;
        }
      }
    }
  }
}

template <class T, unsigned kDo>
[[gnu::always_inline]] inline void add_integer_frame(IntegerSums<T>& sums, const T* frame) {
  using Lane = typename IntegerSums<T>::Lane;
  const CropGeometry& geometry = sums.geometry();
  const std::size_t width = geometry.width();
  for (int r = 0; r < geometry.height(); ++r) {
    const T* x = geometry.source_row(frame, r);
    const typename IntegerSums<T>::Row row = sums.row(r);
    if constexpr ((kDo & kDoSumSq) != 0) {
      const Lane largest = sizeof(T) == 1 ? IntegerSums<T>::kLargestMagnitude : largest_magnitude<Lane>(x, width);
      if (sums.prepare_row(r, largest)) {
        fused_row<T, kDo, true>(x, row.max, row.min, row.sum_lo, row.sq_lo, row.sq_hi, width);
        continue;
      }
    } else if constexpr ((kDo & kDoSum) != 0) {
      sums.prepare_row(r, 0);
    }
    fused_row<T, kDo, false>(x, row.max, row.min, row.sum_lo, row.sq_lo, row.sq_hi, width);
  }
}

// The same frame loop compiled for two instruction sets.
template <class T, unsigned kDo> void add_integer_frame_baseline(IntegerSums<T>& sums, const T* frame) {
  add_integer_frame<T, kDo>(sums, frame);
}
template <class T, unsigned kDo>
[[gnu::target("avx2")]] void add_integer_frame_avx2(IntegerSums<T>& sums, const T* frame) {
  add_integer_frame<T, kDo>(sums, frame);
}

template <class T> IntegerFrameAdder<T> adder_for(unsigned what, bool avx2) {
  return [&]<unsigned... kDo>(std::integer_sequence<unsigned, kDo...>) {
    const IntegerFrameAdder<T> baseline[] = {&add_integer_frame_baseline<T, kDo>...};
    const IntegerFrameAdder<T> with_avx2[] = {&add_integer_frame_avx2<T, kDo>...};
    return avx2 ? with_avx2[what] : baseline[what];
  }
  (std::make_integer_sequence<unsigned, kDoVariants>{});
}

bool use_avx2(ProjectionKernels::Isa isa) {
  switch (isa) {
    case ProjectionKernels::Isa::kBest: return projection_kernels_have_avx2();
    case ProjectionKernels::Isa::kBaseline: return false;
    case ProjectionKernels::Isa::kAvx2:
      if (!projection_kernels_have_avx2()) throw Error("projections: AVX2 kernels asked for, but this CPU has no AVX2");
      return true;
  }
  throw Error("projections: unknown kernel instruction set code " + std::to_string(static_cast<int>(isa)));
}

}  // namespace

template <class T> IntegerFrameAdder<T> integer_frame_adder(unsigned what, ProjectionKernels::Isa isa) {
  return adder_for<T>(what, use_avx2(isa));
}

template IntegerFrameAdder<std::uint8_t> integer_frame_adder<std::uint8_t>(unsigned, ProjectionKernels::Isa);
template IntegerFrameAdder<std::uint16_t> integer_frame_adder<std::uint16_t>(unsigned, ProjectionKernels::Isa);
template IntegerFrameAdder<std::int16_t> integer_frame_adder<std::int16_t>(unsigned, ProjectionKernels::Isa);
template IntegerFrameAdder<std::uint32_t> integer_frame_adder<std::uint32_t>(unsigned, ProjectionKernels::Isa);

}  // namespace detail
}  // namespace calmon
