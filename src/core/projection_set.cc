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

// Integer pixels shifted to start at 0 (int16 + 32768), so sums are unsigned and exact.
template <class T> using Shifted = std::conditional_t<(sizeof(T) < 4), std::uint32_t, std::uint64_t>;
template <class T> Shifted<T> shifted(T x) {
  return static_cast<Shifted<T>>(static_cast<std::int64_t>(x) -
                                 static_cast<std::int64_t>(std::numeric_limits<T>::lowest()));
}

template <class T>
void add_shifted(std::uint64_t* __restrict sum, const T* __restrict x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) sum[i] += shifted(x[i]);
}

// Σu and Σu²; u² of an 8/16-bit value fits 32 bits, of a 32-bit value 64 bits.
template <class T, class SumSq>
void add_shifted_moments(std::uint64_t* __restrict sum, SumSq* __restrict sum_sq,
                         const T* __restrict x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const Shifted<T> u = shifted(x[i]);
    sum[i] += u;
    sum_sq[i] += static_cast<SumSq>(static_cast<Shifted<T>>(u * u));
  }
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

// ---- all frames / a frame range: running accumulators ----

template <class T> class RunningProjection final : public ProjectionAccumulator {
  static constexpr bool kInteger = std::is_integral_v<T>;
  // Integers: Σu in 64 bits; Σu² in 64 bits, or 128 for uint32 (u² alone may reach 2^64).
  using SumSq = std::conditional_t<(sizeof(T) < 4), std::uint64_t, unsigned __int128>;
  // The mean's sum: exact integers, or numpy's accumulation in the float type.
  using MeanSum = std::conditional_t<kInteger, std::uint64_t, T>;

 public:
  RunningProjection(CropGeometry geometry, const std::vector<ProjectionStat>& stats)
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
    auto sized = [&](auto& v, bool wanted, auto value) {
      v.assign(wanted ? area : 0, value);
    };
    // Integers: the std's Σu also serves the mean.
    sized(sum_, want_mean_ && !(kInteger && want_std_), MeanSum{0});
    sized(max_, want_max_, lowest_value());
    sized(min_, want_min_, highest_value());
    if constexpr (kInteger) {
      sized(shifted_sum_, want_std_, std::uint64_t{0});
      sized(shifted_sum_sq_, want_std_, SumSq{0});
    } else {
      sized(welford_mean_, want_std_, 0.0);
      sized(welford_m2_, want_std_, 0.0);
    }
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
      if constexpr (kInteger) {
        if (want_std_) {
          add_shifted_moments(shifted_sum_.data() + at, shifted_sum_sq_.data() + at, x, width);
        } else if (want_mean_) {
          add_shifted(sum_.data() + at, x, width);
        }
      } else {
        if (want_mean_) add_plain(sum_.data() + at, x, width);
        if (want_std_) {
          welford_update(welford_mean_.data() + at, welford_m2_.data() + at, x, width, inverse_count);
        }
      }
    }
  }

  std::int64_t frame_count() const override { return count_; }

  Image image(ProjectionStat stat) const override {
    Image out = blank_image(geometry_);
    std::vector<double>& px = out.pixels;
    switch (stat) {
      case ProjectionStat::kMax:
        std::transform(max_.begin(), max_.end(), px.begin(), [](T v) { return static_cast<double>(v); });
        break;
      case ProjectionStat::kMin:
        std::transform(min_.begin(), min_.end(), px.begin(), [](T v) { return static_cast<double>(v); });
        break;
      case ProjectionStat::kMean: fill_mean(px); break;
      case ProjectionStat::kStd: fill_std(px); break;
    }
    return out;
  }

 private:
  static T lowest_value() {
    if constexpr (kInteger) return std::numeric_limits<T>::lowest();
    else return -std::numeric_limits<T>::infinity();
  }
  static T highest_value() {
    if constexpr (kInteger) return std::numeric_limits<T>::max();
    else return std::numeric_limits<T>::infinity();
  }

  void fill_mean(std::vector<double>& px) const {
    if constexpr (kInteger) {
      const std::vector<std::uint64_t>& shifted_sums = want_std_ ? shifted_sum_ : sum_;
      const std::int64_t offset = count_ * static_cast<std::int64_t>(std::numeric_limits<T>::lowest());
      for (std::size_t i = 0; i < px.size(); ++i) {
        px[i] = numpy_quotient<T>(static_cast<std::int64_t>(shifted_sums[i]) + offset, count_);
      }
    } else {
      for (std::size_t i = 0; i < px.size(); ++i) px[i] = numpy_quotient<T>(sum_[i], count_);
    }
  }

  void fill_std(std::vector<double>& px) const {
    if constexpr (kInteger) {
      // var = (n Σu² − (Σu)²) / n², exact up to the final rounding (Cauchy–Schwarz: ≥ 0).
      const unsigned __int128 n = static_cast<unsigned __int128>(count_);
      const double n_squared = static_cast<double>(n * n);
      for (std::size_t i = 0; i < px.size(); ++i) {
        const unsigned __int128 s = shifted_sum_[i];
        const unsigned __int128 numerator = n * static_cast<unsigned __int128>(shifted_sum_sq_[i]) - s * s;
        px[i] = std::sqrt(static_cast<double>(numerator) / n_squared);
      }
    } else {
      const double n = static_cast<double>(count_);
      for (std::size_t i = 0; i < px.size(); ++i) px[i] = std::sqrt(welford_m2_[i] / n);
    }
  }

  CropGeometry geometry_;
  bool want_mean_;
  bool want_max_;
  bool want_min_;
  bool want_std_;
  std::int64_t count_ = 0;
  std::vector<MeanSum> sum_;
  std::vector<T> max_;
  std::vector<T> min_;
  std::vector<std::uint64_t> shifted_sum_;
  std::vector<SumSq> shifted_sum_sq_;
  std::vector<double> welford_mean_;
  std::vector<double> welford_m2_;
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
                                                        PixelType type) {
  const CropGeometry geometry{spec.crop.value_or(Rect::whole(shape)), shape.width};
  return dispatch_pixel_type(type, [&](auto tag) -> std::unique_ptr<ProjectionAccumulator> {
    using T = typename decltype(tag)::type;
    if (spec.frames == ProjectionSpec::Frames::kLast) {
      return std::make_unique<SlidingProjection<T>>(geometry, spec.last);
    }
    return std::make_unique<RunningProjection<T>>(geometry, spec.stats);
  });
}

bool frame_selected(const ProjectionSpec& spec, std::int64_t t) {
  if (spec.frames != ProjectionSpec::Frames::kRange) return true;
  return t >= spec.begin && (!spec.end || t < *spec.end);
}

}  // namespace

ProjectionSet::ProjectionSet(FrameShape shape, PixelType type, std::vector<ProjectionSpec> specs,
                             std::vector<std::int64_t> keep_frames)
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
    accumulators_.push_back(make_accumulator(spec, shape, type));
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
