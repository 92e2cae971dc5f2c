// running_integer_projection.cc — exact running sums of integer frames, finalized on request.
#include "core/running_integer_projection.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/integer_frame_kernels.h"
#include "core/integer_sums.h"
#include "core/projection_row_loops.h"

namespace calmon::detail {
namespace {

template <class T> class RunningIntegerProjection final : public ProjectionAccumulator {
  static_assert(std::is_integral_v<T>);

 public:
  RunningIntegerProjection(CropGeometry geometry, const std::vector<ProjectionStat>& stats, ProjectionKernels kernels)
      : sums_(geometry, what(stats), kernels.max_block_frames),
        add_(integer_frame_adder<T>(what(stats), kernels.isa)) {}

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

}  // namespace

template <class T>
std::unique_ptr<ProjectionAccumulator> make_running_integer_projection(CropGeometry geometry,
                                                                       const std::vector<ProjectionStat>& stats,
                                                                       ProjectionKernels kernels) {
  return std::make_unique<RunningIntegerProjection<T>>(geometry, stats, kernels);
}

template std::unique_ptr<ProjectionAccumulator> make_running_integer_projection<std::uint8_t>(
    CropGeometry, const std::vector<ProjectionStat>&, ProjectionKernels);
template std::unique_ptr<ProjectionAccumulator> make_running_integer_projection<std::uint16_t>(
    CropGeometry, const std::vector<ProjectionStat>&, ProjectionKernels);
template std::unique_ptr<ProjectionAccumulator> make_running_integer_projection<std::int16_t>(
    CropGeometry, const std::vector<ProjectionStat>&, ProjectionKernels);
template std::unique_ptr<ProjectionAccumulator> make_running_integer_projection<std::uint32_t>(
    CropGeometry, const std::vector<ProjectionStat>&, ProjectionKernels);

}  // namespace calmon::detail
