// running_float_projection.cc — running float accumulators, one loop per statistic and row.
#include "core/running_float_projection.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/projection_row_loops.h"

namespace calmon::detail {
namespace {

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

}  // namespace

template <class T>
std::unique_ptr<ProjectionAccumulator> make_running_float_projection(CropGeometry geometry,
                                                                     const std::vector<ProjectionStat>& stats) {
  return std::make_unique<RunningFloatProjection<T>>(geometry, stats);
}

template std::unique_ptr<ProjectionAccumulator> make_running_float_projection<float>(
    CropGeometry, const std::vector<ProjectionStat>&);
template std::unique_ptr<ProjectionAccumulator> make_running_float_projection<double>(
    CropGeometry, const std::vector<ProjectionStat>&);

}  // namespace calmon::detail
