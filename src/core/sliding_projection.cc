// sliding_projection.cc — the ring of the last N cropped frames and numpy's reductions over it.
#include "core/sliding_projection.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/projection_row_loops.h"

namespace calmon::detail {
namespace {

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

}  // namespace

template <class T>
std::unique_ptr<ProjectionAccumulator> make_sliding_projection(CropGeometry geometry, std::int64_t last) {
  return std::make_unique<SlidingProjection<T>>(geometry, last);
}

template std::unique_ptr<ProjectionAccumulator> make_sliding_projection<std::uint8_t>(CropGeometry, std::int64_t);
template std::unique_ptr<ProjectionAccumulator> make_sliding_projection<std::uint16_t>(CropGeometry, std::int64_t);
template std::unique_ptr<ProjectionAccumulator> make_sliding_projection<std::int16_t>(CropGeometry, std::int64_t);
template std::unique_ptr<ProjectionAccumulator> make_sliding_projection<std::uint32_t>(CropGeometry, std::int64_t);
template std::unique_ptr<ProjectionAccumulator> make_sliding_projection<float>(CropGeometry, std::int64_t);
template std::unique_ptr<ProjectionAccumulator> make_sliding_projection<double>(CropGeometry, std::int64_t);

}  // namespace calmon::detail
