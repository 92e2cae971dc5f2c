// projection_set.cc — running projections, one typed accumulator per projection.
//
// The pixel type is dispatched once per projection and frame; the loops inside run
// over contiguous rows of the crop. See the header for the numerics of each statistic.
#include "core/projection_set.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <type_traits>
#include <utility>

#include "core/error.h"

namespace calmon {

std::string_view projection_stat_name(ProjectionStat stat) {
  switch (stat) {
    case ProjectionStat::kMean: return "mean";
    case ProjectionStat::kMax: return "max";
    case ProjectionStat::kMin: return "min";
    case ProjectionStat::kStd: return "std";
  }
  return "unknown";
}

// One projection's state for frames of one pixel type; the only virtual calls are these,
// once per frame.
class ProjectionAccumulator {
 public:
  virtual ~ProjectionAccumulator() = default;
  virtual void add(const void* frame_pixels) = 0;  // a whole frame; the crop is applied here
  virtual Image image(ProjectionStat stat) const = 0;
  virtual std::int64_t frame_count() const = 0;
  virtual void reset() = 0;
};

namespace {

std::string shape_to_string(FrameShape shape) {
  return std::to_string(shape.width) + "x" + std::to_string(shape.height);
}

bool has_stat(const std::vector<ProjectionStat>& stats, ProjectionStat stat) {
  return std::find(stats.begin(), stats.end(), stat) != stats.end();
}

// Where a crop's rows lie in a frame.
struct CropGeometry {
  Rect crop;
  int frame_width = 0;

  std::size_t width() const { return static_cast<std::size_t>(crop.width()); }
  int height() const { return crop.height(); }
  std::size_t area() const { return width() * static_cast<std::size_t>(crop.height()); }
  template <class T> const T* source_row(const T* frame, int r) const {
    return frame + static_cast<std::size_t>(crop.ymin + r) * static_cast<std::size_t>(frame_width) +
           static_cast<std::size_t>(crop.xmin);
  }
};

// ---- per-row kernels: plain loops over contiguous rows, which the compiler vectorizes ----

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
void welford_update(double* __restrict mean, double* __restrict m2, const T* __restrict x,
                    std::size_t n, double inverse_count) {
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

Image blank_image(const CropGeometry& geometry) {
  return Image{FrameShape{geometry.crop.width(), geometry.crop.height()},
               std::vector<double>(geometry.area())};
}

// ---- all frames / a frame range, float pixels: running accumulators in numpy's order ----

template <class T> class RunningFloatProjection final : public ProjectionAccumulator {
  static_assert(std::is_floating_point_v<T>);

 public:
  RunningFloatProjection(CropGeometry geometry, const std::vector<ProjectionStat>& stats)
      : geometry_(geometry),
        want_mean_(has_stat(stats, ProjectionStat::kMean)),
        want_max_(has_stat(stats, ProjectionStat::kMax)),
        want_min_(has_stat(stats, ProjectionStat::kMin)),
        want_std_(has_stat(stats, ProjectionStat::kStd)) {
    reset();
  }

  void reset() override {
    const std::size_t area = geometry_.area();
    count_ = 0;
    sum_.assign(want_mean_ ? area : 0, T{0});
    max_.assign(want_max_ ? area : 0, -std::numeric_limits<T>::infinity());
    min_.assign(want_min_ ? area : 0, std::numeric_limits<T>::infinity());
    welford_mean_.assign(want_std_ ? area : 0, 0.0);
    welford_m2_.assign(want_std_ ? area : 0, 0.0);
  }

  void add(const void* frame_pixels) override {
    const T* frame = static_cast<const T*>(frame_pixels);
    ++count_;
    const double inverse_count = 1.0 / static_cast<double>(count_);
    const std::size_t width = geometry_.width();
    for (int r = 0; r < geometry_.height(); ++r) {
      const T* x = geometry_.source_row(frame, r);
      const std::size_t at = static_cast<std::size_t>(r) * width;
      if (want_max_) take_max(max_.data() + at, x, width);
      if (want_min_) take_min(min_.data() + at, x, width);
      if (want_mean_) add_plain(sum_.data() + at, x, width);
      if (want_std_) {
        welford_update(welford_mean_.data() + at, welford_m2_.data() + at, x, width, inverse_count);
      }
    }
  }

  std::int64_t frame_count() const override { return count_; }

  Image image(ProjectionStat stat) const override {
    Image out = blank_image(geometry_);
    std::vector<double>& px = out.pixels;
    const double n = static_cast<double>(count_);
    switch (stat) {
      case ProjectionStat::kMax: std::copy(max_.begin(), max_.end(), px.begin()); break;
      case ProjectionStat::kMin: std::copy(min_.begin(), min_.end(), px.begin()); break;
      case ProjectionStat::kMean:
        for (std::size_t i = 0; i < px.size(); ++i) px[i] = numpy_quotient<T>(sum_[i], count_);
        break;
      case ProjectionStat::kStd:
        for (std::size_t i = 0; i < px.size(); ++i) px[i] = std::sqrt(welford_m2_[i] / n);
        break;
    }
    return out;
  }

 private:
  CropGeometry geometry_;
  bool want_mean_;
  bool want_max_;
  bool want_min_;
  bool want_std_;
  std::int64_t count_ = 0;
  std::vector<T> sum_;  // numpy's accumulation, in the float type
  std::vector<T> max_;
  std::vector<T> min_;
  std::vector<double> welford_mean_;
  std::vector<double> welford_m2_;
};

// ---- all frames / a frame range, integer pixels: one fused pass per row ----
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
// The row pass is a plain loop compiled twice, for baseline x86-64 and for AVX2 (packed
// 16-bit max/min, widening in one instruction, 8 lanes of 32 bits), chosen once per
// projection; both compute the same integers.

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
  static constexpr Lane kLowMask = (Lane{1} << kFoldBits) - 1;               // 2^B − 1
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
  SumSqTotal sum_sq(std::size_t i) const {
    return (static_cast<SumSqTotal>(sq_hi_[i]) << kFoldBits) + sq_lo_[i];
  }

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
                                             Lane* __restrict sum_lo, Lane* __restrict sq_lo,
                                             Lane* __restrict sq_hi, std::size_t n) {
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
      const Lane largest =
          sizeof(T) == 1 ? IntegerSums<T>::kLargestMagnitude : largest_magnitude<Lane>(x, width);
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
template <class T> using IntegerFrameAdder = void (*)(IntegerSums<T>&, const T*);

template <class T, unsigned kDo> void add_integer_frame_baseline(IntegerSums<T>& sums, const T* frame) {
  add_integer_frame<T, kDo>(sums, frame);
}
template <class T, unsigned kDo>
[[gnu::target("avx2")]] void add_integer_frame_avx2(IntegerSums<T>& sums, const T* frame) {
  add_integer_frame<T, kDo>(sums, frame);
}

template <class T> IntegerFrameAdder<T> integer_frame_adder(unsigned what, bool avx2) {
  return [&]<unsigned... kDo>(std::integer_sequence<unsigned, kDo...>) {
    const IntegerFrameAdder<T> baseline[] = {&add_integer_frame_baseline<T, kDo>...};
    const IntegerFrameAdder<T> with_avx2[] = {&add_integer_frame_avx2<T, kDo>...};
    return avx2 ? with_avx2[what] : baseline[what];
  }(std::make_integer_sequence<unsigned, kDoVariants>{});
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

template <class T> class RunningIntegerProjection final : public ProjectionAccumulator {
  static_assert(std::is_integral_v<T>);

 public:
  RunningIntegerProjection(CropGeometry geometry, const std::vector<ProjectionStat>& stats,
                           ProjectionKernels kernels)
      : sums_(geometry, what(stats), kernels.max_block_frames),
        add_(integer_frame_adder<T>(what(stats), use_avx2(kernels.isa))) {}

  void reset() override {
    count_ = 0;
    sums_.reset();
  }

  void add(const void* frame_pixels) override {
    ++count_;
    add_(sums_, static_cast<const T*>(frame_pixels));
  }

  std::int64_t frame_count() const override { return count_; }

  Image image(ProjectionStat stat) const override {
    Image out = blank_image(sums_.geometry());
    std::vector<double>& px = out.pixels;
    switch (stat) {
      case ProjectionStat::kMax:
        for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<double>(sums_.max(i));
        break;
      case ProjectionStat::kMin:
        for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<double>(sums_.min(i));
        break;
      case ProjectionStat::kMean: {
        const std::int64_t offset = count_ * static_cast<std::int64_t>(std::numeric_limits<T>::lowest());
        for (std::size_t i = 0; i < px.size(); ++i) {
          px[i] = numpy_quotient<T>(static_cast<std::int64_t>(sums_.sum(i)) + offset, count_);
        }
        break;
      }
      case ProjectionStat::kStd: {
        // var = (n Σx² − (Σx)²) / n², exact up to the final rounding (Cauchy–Schwarz: ≥ 0).
        const unsigned __int128 n = static_cast<unsigned __int128>(count_);
        const double n_squared = static_cast<double>(n * n);
        const __int128 offset = static_cast<__int128>(count_) * std::numeric_limits<T>::lowest();
        for (std::size_t i = 0; i < px.size(); ++i) {
          const __int128 sum_x = static_cast<__int128>(sums_.sum(i)) + offset;  // |Σx| < 2^64
          const unsigned __int128 s = static_cast<unsigned __int128>(sum_x < 0 ? -sum_x : sum_x);
          const unsigned __int128 numerator = n * static_cast<unsigned __int128>(sums_.sum_sq(i)) - s * s;
          px[i] = std::sqrt(static_cast<double>(numerator) / n_squared);
        }
        break;
      }
    }
    return out;
  }

 private:
  // The std's Σu also serves the mean.
  static unsigned what(const std::vector<ProjectionStat>& stats) {
    unsigned w = 0;
    if (has_stat(stats, ProjectionStat::kMax)) w |= kDoMax;
    if (has_stat(stats, ProjectionStat::kMin)) w |= kDoMin;
    if (has_stat(stats, ProjectionStat::kStd)) w |= kDoSumSq;
    else if (has_stat(stats, ProjectionStat::kMean)) w |= kDoSum;
    return w;
  }

  std::int64_t count_ = 0;
  IntegerSums<T> sums_;
  IntegerFrameAdder<T> add_;
};

// ---- the last N frames: a ring of cropped frames, numpy's algorithms on request ----

template <class T> class SlidingProjection final : public ProjectionAccumulator {
  static constexpr bool kInteger = std::is_integral_v<T>;
  // numpy's accumulation type: float64 for integers, the float type itself otherwise.
  using Numpy = std::conditional_t<kInteger, double, T>;

 public:
  SlidingProjection(CropGeometry geometry, std::int64_t last) : geometry_(geometry), capacity_(last) {}

  void reset() override {
    ring_.clear();
    ring_.shrink_to_fit();
    filled_ = 0;
    next_slot_ = 0;
  }

  void add(const void* frame_pixels) override {
    const T* frame = static_cast<const T*>(frame_pixels);
    const std::size_t area = geometry_.area();
    if (filled_ < capacity_) ring_.resize(static_cast<std::size_t>(filled_ + 1) * area);  // grows as frames come
    T* slot = ring_.data() + static_cast<std::size_t>(next_slot_) * area;
    const std::size_t width = geometry_.width();
    for (int r = 0; r < geometry_.height(); ++r) {
      std::memcpy(slot + static_cast<std::size_t>(r) * width, geometry_.source_row(frame, r), width * sizeof(T));
    }
    next_slot_ = (next_slot_ + 1) % capacity_;
    filled_ = std::min(filled_ + 1, capacity_);
  }

  std::int64_t frame_count() const override { return filled_; }

  Image image(ProjectionStat stat) const override {
    Image out = blank_image(geometry_);
    switch (stat) {
      case ProjectionStat::kMax: fill_extreme(out.pixels, true); break;
      case ProjectionStat::kMin: fill_extreme(out.pixels, false); break;
      case ProjectionStat::kMean: fill_mean(out.pixels); break;
      case ProjectionStat::kStd: fill_std(out.pixels); break;
    }
    return out;
  }

 private:
  // The k-th oldest frame in the ring.
  const T* frame(std::int64_t k) const {
    const std::int64_t slot = filled_ < capacity_ ? k : (next_slot_ + k) % capacity_;
    return ring_.data() + static_cast<std::size_t>(slot) * geometry_.area();
  }

  void fill_extreme(std::vector<double>& px, bool maximum) const {
    std::vector<T> kept(frame(0), frame(0) + px.size());
    for (std::int64_t k = 1; k < filled_; ++k) {
      if (maximum) take_max(kept.data(), frame(k), kept.size());
      else take_min(kept.data(), frame(k), kept.size());
    }
    std::transform(kept.begin(), kept.end(), px.begin(), [](T v) { return static_cast<double>(v); });
  }

  // numpy's umr_sum(axis=0) and true_divide: per pixel, frames in order, in numpy's type.
  std::vector<Numpy> numpy_mean() const {
    std::vector<Numpy> sum(geometry_.area(), Numpy{0});
    for (std::int64_t k = 0; k < filled_; ++k) add_plain(sum.data(), frame(k), sum.size());
    for (Numpy& s : sum) s = static_cast<Numpy>(static_cast<double>(s) / static_cast<double>(filled_));
    return sum;
  }

  void fill_mean(std::vector<double>& px) const {
    if constexpr (kInteger) {  // exact integer sum, divided once: the same as numpy's float64 sum
      std::vector<std::int64_t> sum(px.size(), 0);
      for (std::int64_t k = 0; k < filled_; ++k) add_plain(sum.data(), frame(k), sum.size());
      for (std::size_t i = 0; i < px.size(); ++i) px[i] = numpy_quotient<T>(sum[i], filled_);
    } else {
      const std::vector<Numpy> mean = numpy_mean();
      std::copy(mean.begin(), mean.end(), px.begin());
    }
  }

  // numpy's _var then sqrt: x = arr - mean; x = x * x; sum over frames; divide; sqrt.
  void fill_std(std::vector<double>& px) const {
    const std::vector<Numpy> mean = numpy_mean();
    std::vector<Numpy> sum_sq(px.size(), Numpy{0});
    for (std::int64_t k = 0; k < filled_; ++k) {
      const T* x = frame(k);
      for (std::size_t i = 0; i < px.size(); ++i) {
        const Numpy d = static_cast<Numpy>(x[i]) - mean[i];
        const Numpy d2 = d * d;
        sum_sq[i] += d2;
      }
    }
    for (std::size_t i = 0; i < px.size(); ++i) {
      const Numpy variance = static_cast<Numpy>(static_cast<double>(sum_sq[i]) / static_cast<double>(filled_));
      px[i] = static_cast<double>(std::sqrt(variance));
    }
  }

  CropGeometry geometry_;
  std::int64_t capacity_;
  std::vector<T> ring_;
  std::int64_t filled_ = 0;
  std::int64_t next_slot_ = 0;
};

// ---- validation ----

std::string projection_label(const ProjectionSpec& spec, std::size_t index) {
  return spec.name.empty() ? "projection #" + std::to_string(index)
                           : "projection '" + spec.name + "'";
}

// Checks one spec and returns it with its stats made explicit and unique.
ProjectionSpec checked_spec(ProjectionSpec spec, std::size_t index, FrameShape shape) {
  const std::string label = projection_label(spec, index);
  std::vector<ProjectionStat> stats;
  for (ProjectionStat stat : spec.stats) {
    if (projection_stat_name(stat) == "unknown") {
      throw Error(label + ": unknown stat code " + std::to_string(static_cast<int>(stat)));
    }
    if (!has_stat(stats, stat)) stats.push_back(stat);
  }
  if (stats.empty()) {
    stats = {ProjectionStat::kMean, ProjectionStat::kMax, ProjectionStat::kMin, ProjectionStat::kStd};
  }
  spec.stats = std::move(stats);

  if (spec.crop) {
    const Rect& crop = *spec.crop;
    if (crop.empty()) {
      throw Error(label + ": crop " + crop.to_string() + " is empty (xmax must be > xmin and ymax > ymin)");
    }
    if (!crop.inside(shape)) {
      throw Error(label + ": crop " + crop.to_string() + " is outside the " + shape_to_string(shape) + " frame");
    }
  }
  switch (spec.frames) {
    case ProjectionSpec::Frames::kAll: break;
    case ProjectionSpec::Frames::kRange:
      if (spec.begin < 0) {
        throw Error(label + ": frame range begins at " + std::to_string(spec.begin) +
                    "; frame indices start at 0");
      }
      if (spec.end && *spec.end <= spec.begin) {
        throw Error(label + ": frame range " + std::to_string(spec.begin) + ":" +
                    std::to_string(*spec.end) + " is empty (end must be > begin)");
      }
      break;
    case ProjectionSpec::Frames::kLast:
      if (spec.last < 1) {
        throw Error(label + ": the last N frames needs N >= 1, got " + std::to_string(spec.last));
      }
      break;
    default:
      throw Error(label + ": unknown frame selection code " + std::to_string(static_cast<int>(spec.frames)));
  }
  return spec;
}

std::unique_ptr<ProjectionAccumulator> make_accumulator(const ProjectionSpec& spec, FrameShape shape,
                                                        PixelType type, ProjectionKernels kernels) {
  const CropGeometry geometry{spec.crop.value_or(Rect::whole(shape)), shape.width};
  return dispatch_pixel_type(type, [&](auto tag) -> std::unique_ptr<ProjectionAccumulator> {
    using T = typename decltype(tag)::type;
    if (spec.frames == ProjectionSpec::Frames::kLast) {
      return std::make_unique<SlidingProjection<T>>(geometry, spec.last);
    }
    if constexpr (std::is_integral_v<T>) {
      return std::make_unique<RunningIntegerProjection<T>>(geometry, spec.stats, kernels);
    } else {
      return std::make_unique<RunningFloatProjection<T>>(geometry, spec.stats);
    }
  });
}

bool frame_selected(const ProjectionSpec& spec, std::int64_t t) {
  if (spec.frames != ProjectionSpec::Frames::kRange) return true;
  return t >= spec.begin && (!spec.end || t < *spec.end);
}

}  // namespace

bool projection_kernels_have_avx2() {
  static const bool have = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return have;
}

ProjectionSet::ProjectionSet(FrameShape shape, PixelType type, std::vector<ProjectionSpec> specs,
                             std::vector<std::int64_t> keep_frames, ProjectionKernels kernels)
    : shape_(shape), type_(type) {
  if (shape.width <= 0 || shape.height <= 0) {
    throw Error("projections: frame shape " + shape_to_string(shape) + " has no pixels");
  }
  if (pixel_type_name(type) == "unknown") {
    throw Error("projections: unsupported pixel type code " + std::to_string(static_cast<int>(type)));
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    ProjectionSpec spec = checked_spec(std::move(specs[i]), i, shape);
    if (!spec.name.empty() && !names.insert(spec.name).second) {
      throw Error(projection_label(spec, i) + ": the name is used by another projection");
    }
    accumulators_.push_back(make_accumulator(spec, shape, type, kernels));
    specs_.push_back(std::move(spec));
  }
  for (std::int64_t t : keep_frames) {
    if (t < 0) {
      throw Error("keep_frames: frame index " + std::to_string(t) +
                  " is negative (the latest frame is always available)");
    }
  }
  std::sort(keep_frames.begin(), keep_frames.end());
  keep_frames.erase(std::unique(keep_frames.begin(), keep_frames.end()), keep_frames.end());
  keep_frames_ = std::move(keep_frames);
}

ProjectionSet::~ProjectionSet() = default;
ProjectionSet::ProjectionSet(ProjectionSet&&) noexcept = default;
ProjectionSet& ProjectionSet::operator=(ProjectionSet&&) noexcept = default;

void ProjectionSet::push(AnyFrameView frame) {
  const std::int64_t t = frames_seen_;
  if (frame.shape() != shape_ || frame.type() != type_) {
    throw Error("projections: frame " + std::to_string(t) + " is " + shape_to_string(frame.shape()) +
                " " + std::string(pixel_type_name(frame.type())) + ", expected " +
                shape_to_string(shape_) + " " + std::string(pixel_type_name(type_)));
  }
  if (frame.data() == nullptr) throw Error("projections: frame " + std::to_string(t) + " has no pixel data");
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    if (frame_selected(specs_[i], t)) accumulators_[i]->add(frame.data());
  }
  if (std::binary_search(keep_frames_.begin(), keep_frames_.end(), t)) kept_[t] = image_of(frame);
  ++frames_seen_;
}

void ProjectionSet::check_index(std::size_t i) const {
  if (i >= specs_.size()) {
    throw Error("projections: no projection #" + std::to_string(i) + " (there are " +
                std::to_string(specs_.size()) + ")");
  }
}

const ProjectionSpec& ProjectionSet::spec(std::size_t i) const {
  check_index(i);
  return specs_[i];
}

std::int64_t ProjectionSet::frame_count(std::size_t i) const {
  check_index(i);
  return accumulators_[i]->frame_count();
}

Image ProjectionSet::image(std::size_t i, ProjectionStat stat) const {
  check_index(i);
  const ProjectionSpec& spec = specs_[i];
  const std::string label = projection_label(spec, i);
  if (!has_stat(spec.stats, stat)) {
    throw Error(label + " does not compute " + std::string(projection_stat_name(stat)));
  }
  if (accumulators_[i]->frame_count() == 0) {
    throw Error(label + ": no frames yet (" + std::to_string(frames_seen_) + " frames seen)");
  }
  return accumulators_[i]->image(stat);
}

std::optional<Image> ProjectionSet::kept_frame(std::int64_t t) const {
  const auto found = kept_.find(t);
  if (found == kept_.end()) return std::nullopt;
  return found->second;
}

void ProjectionSet::reset() {
  for (auto& accumulator : accumulators_) accumulator->reset();
  kept_.clear();
  frames_seen_ = 0;
}

}  // namespace calmon
