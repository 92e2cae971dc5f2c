// integer_sums.h — exact per-pixel sums of integer frames in half-width lanes, folded before they overflow.
//
// Each pixel keeps Σu with u = x − lowest(T) ≥ 0 (int16: x + 32768, x's bits with the sign
// bit flipped) and Σx², both unsigned; the std needs only Σx = Σu + n·lowest(T) and Σx².
// (Squaring x rather than u keeps int16 squares below 2^30, and small for values near 0.)
// Each sum lives in two lanes of type Lane — uint32, or uint64 for uint32 pixels — worth
// total = hi·2^B + lo with B = bits(Lane) − 1. A frame adds u and x² (< 2^32 for 16-bit x;
// < 2^64 for 32-bit x) to the lo lanes only, so a pass reads and writes 4 bytes per sum
// instead of 8, and fuses max, min, Σu and Σx² in one loop over the row. Before a lo lane
// could overflow, the row is folded: hi += lo >> B, lo &= 2^B − 1, which keeps the total
// and leaves lo < 2^B, room for 2^B more. Each row keeps an upper bound of its lo lanes,
// raised per frame by the largest value the frame could add: for Σu the type's largest u,
// for Σx² the square of the row's largest |x| (from a scan of the row; for 8-bit pixels
// from the type: a row of 255s fits 33,000 frames between folds). So a row of 12-bit
// values folds Σx² about every 128 frames, Σu every 32,768, and every sum stays exact.
// (ProjectionKernels::max_block_frames forces folds more often, for tests: the rows also
// count frames since their last forced fold.) A row whose largest x² is ≥ 2^B (uint16
// values above 46340) cannot fit even one frame above a folded lo; it folds while adding:
// hi += (lo >> B) + (x² >> B), lo = (lo & (2^B − 1)) + (x² & (2^B − 1)), still one pass
// with 32-bit lanes. uint32 pixels keep Σu in one uint64 lane (exact below 2^32 frames, as
// before). Capacity: hi·2^B + lo is exact below 2^63 (2^127 for uint32's Σx²): Σx² of
// full-range uint16 pixels holds 2^31 frames, 24 days at 1,000 frames/s.
//
// The row pass that adds a frame to these sums is in integer_frame_kernels.h: a plain
// loop compiled for baseline x86-64 and for AVX2, both computing the same integers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/projection_crop.h"

namespace calmon::detail {

// What a fused pass computes: a bit set, and the index of its kernel.
enum : unsigned {
  kDoMax = 1,
  kDoMin = 2,
  kDoSum = 4,       // Σu
  kDoSumSq = 8,     // Σu and Σx²
  kDoVariants = 12  // kDoMax | kDoMin | (none, kDoSum or kDoSumSq): indices 0..11
};

// x − lowest(T) as an unsigned lane: the same bits for unsigned types, the sign bit flipped
// for signed ones.
template <class Lane, class T> constexpr Lane shifted_lane(T x) {
  using U = std::make_unsigned_t<T>;
  constexpr U kSignBit = std::is_signed_v<T> ? static_cast<U>(U{1} << (8 * sizeof(T) - 1)) : U{0};
  return static_cast<Lane>(static_cast<U>(static_cast<U>(x) ^ kSignBit));
}

// |x| as an unsigned lane (int16's −32768 included: 32768).
template <class Lane, class T> constexpr Lane magnitude_lane(T x) {
  if constexpr (std::is_signed_v<T>) {
    static_assert(sizeof(T) < sizeof(int));
    return static_cast<Lane>(x < 0 ? -static_cast<int>(x) : static_cast<int>(x));
  } else {
    return static_cast<Lane>(x);
  }
}

template <class T> class IntegerSums {
 public:
  using Lane = std::conditional_t<(sizeof(T) < 4), std::uint32_t, std::uint64_t>;
  using SumSqTotal = std::conditional_t<(sizeof(T) < 4), std::uint64_t, unsigned __int128>;
  static constexpr int kFoldBits = 8 * static_cast<int>(sizeof(Lane)) - 1;  // B
  static constexpr Lane kLowMask = (Lane{1} << kFoldBits) - 1;              // 2^B − 1
  static constexpr Lane kLaneMax = std::numeric_limits<Lane>::max();
  static constexpr bool kSumFolds = sizeof(T) < 4;  // uint32 pixels: Σu in one uint64
  static constexpr Lane kLargestU = shifted_lane<Lane>(std::numeric_limits<T>::max());
  static constexpr Lane kLargestMagnitude = std::max(magnitude_lane<Lane>(std::numeric_limits<T>::max()),
                                                     magnitude_lane<Lane>(std::numeric_limits<T>::lowest()));

  IntegerSums(CropGeometry geometry, unsigned what, std::int64_t max_block_frames)
      : geometry_(geometry), what_(what), max_block_frames_(max_block_frames) {
    reset();
  }

  void reset() {
    const std::size_t area = geometry_.area();
    const std::size_t rows = static_cast<std::size_t>(geometry_.height());
    const bool sum = (what_ & (kDoSum | kDoSumSq)) != 0;
    const bool sum_sq = (what_ & kDoSumSq) != 0;
    max_.assign(what_ & kDoMax ? area : 0, std::numeric_limits<T>::lowest());
    min_.assign(what_ & kDoMin ? area : 0, std::numeric_limits<T>::max());
    sum_lo_.assign(sum ? area : 0, 0);
    sum_hi_.assign(sum && kSumFolds ? area : 0, 0);
    sq_lo_.assign(sum_sq ? area : 0, 0);
    sq_hi_.assign(sum_sq ? area : 0, 0);
    sum_bound_.assign(rows, 0);
    sq_bound_.assign(rows, 0);
    block_frames_.assign(rows, 0);
  }

  const CropGeometry& geometry() const { return geometry_; }
  T max(std::size_t i) const { return max_[i]; }
  T min(std::size_t i) const { return min_[i]; }
  std::uint64_t sum(std::size_t i) const {
    if constexpr (kSumFolds) return (std::uint64_t{sum_hi_[i]} << kFoldBits) + sum_lo_[i];
    else return sum_lo_[i];
  }
  SumSqTotal sum_sq(std::size_t i) const { return (static_cast<SumSqTotal>(sq_hi_[i]) << kFoldBits) + sq_lo_[i]; }

  // Row r's lanes, at the start of the row.
  struct Row {
    T* max;
    T* min;
    Lane* sum_lo;
    Lane* sq_lo;
    Lane* sq_hi;
  };
  Row row(int r) {
    const std::size_t at = static_cast<std::size_t>(r) * geometry_.width();
    auto part = [at](auto& v) { return v.empty() ? nullptr : v.data() + at; };
    return Row{part(max_), part(min_), part(sum_lo_), part(sq_lo_), part(sq_hi_)};
  }

  // Before adding a frame's row r whose |x| are at most largest_magnitude: folds what
  // could overflow and raises the bounds. True when Σx² must fold while adding (largest
  // x² ≥ 2^B).
  bool prepare_row(int r, Lane largest_magnitude) {
    const std::size_t at = static_cast<std::size_t>(r) * geometry_.width();
    const std::size_t n = geometry_.width();
    const std::size_t ri = static_cast<std::size_t>(r);
    const bool forced = max_block_frames_ > 0 && block_frames_[ri] >= max_block_frames_;
    block_frames_[ri] = forced ? 1 : block_frames_[ri] + 1;
    if constexpr (kSumFolds) {
      if (forced || sum_bound_[ri] > kLaneMax - kLargestU) {
        fold(sum_lo_.data() + at, sum_hi_.data() + at, n);
        sum_bound_[ri] = std::min(sum_bound_[ri], kLowMask);
      }
      sum_bound_[ri] += kLargestU;
    }
    if (!(what_ & kDoSumSq)) return false;
    const Lane largest_sq = largest_magnitude * largest_magnitude;
    if (largest_sq > kLowMask) {
      sq_bound_[ri] = kLowMask + kLowMask;  // (lo & mask) + (x² & mask)
      return true;
    }
    if (forced || sq_bound_[ri] > kLaneMax - largest_sq) {
      fold(sq_lo_.data() + at, sq_hi_.data() + at, n);
      sq_bound_[ri] = std::min(sq_bound_[ri], kLowMask);
    }
    sq_bound_[ri] += largest_sq;
    return false;
  }

 private:
  static void fold(Lane* __restrict lo, Lane* __restrict hi, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      hi[i] += lo[i] >> kFoldBits;
      lo[i] &= kLowMask;
    }
  }

  CropGeometry geometry_;
  unsigned what_;
  std::int64_t max_block_frames_;
  std::vector<T> max_;
  std::vector<T> min_;
  std::vector<Lane> sum_lo_;
  std::vector<Lane> sum_hi_;
  std::vector<Lane> sq_lo_;
  std::vector<Lane> sq_hi_;
  // Per row: upper bounds of its lo lanes, and frames since its last forced fold.
  std::vector<Lane> sum_bound_;
  std::vector<Lane> sq_bound_;
  std::vector<std::int64_t> block_frames_;
};

}  // namespace calmon::detail
