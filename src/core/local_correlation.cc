// local_correlation.cc — running sums per pixel and pair, correlations on request.
#include "core/local_correlation.h"

#include <cmath>

#include "core/error.h"

namespace calmon {

LocalCorrelation::LocalCorrelation(FrameShape shape) : shape_(shape) { reset(); }

void LocalCorrelation::reset() {
  frames_ = 0;
  const std::size_t n = shape_.pixel_count();
  sum_.assign(n, 0.0);
  sum_of_squares_.assign(n, 0.0);
  for (auto& products : sum_of_products_) products.assign(n, 0.0);
}

void LocalCorrelation::push(AnyFrameView frame) {
  if (frame.shape() != shape_) throw Error("local correlation: frame of another size");
  frame.visit([&](auto view) { accumulate(view); });
  ++frames_;
}

template <class T> void LocalCorrelation::accumulate(FrameView<T> frame) {
  const int width = shape_.width;
  const int height = shape_.height;
  for (int y = 0; y < height; ++y) {
    const T* row = frame.row(y);
    const std::size_t base = static_cast<std::size_t>(y) * static_cast<std::size_t>(width);
    for (int x = 0; x < width; ++x) {
      const double v = static_cast<double>(row[x]);
      sum_[base + static_cast<std::size_t>(x)] += v;
      sum_of_squares_[base + static_cast<std::size_t>(x)] += v * v;
    }
    for (std::size_t d = 0; d < kDirections.size(); ++d) {
      const int dx = kDirections[d][0];
      const int dy = kDirections[d][1];
      if (y + dy >= height) continue;
      const T* other = frame.row(y + dy);
      double* products = sum_of_products_[d].data() + base;
      const int first = dx < 0 ? -dx : 0;
      const int last = dx > 0 ? width - dx : width;
      for (int x = first; x < last; ++x) {
        products[x] += static_cast<double>(row[x]) * static_cast<double>(other[x + dx]);
      }
    }
  }
}

Image LocalCorrelation::image() const {
  const int width = shape_.width;
  const int height = shape_.height;
  const double n = static_cast<double>(frames_);
  Image image{shape_, std::vector<double>(shape_.pixel_count(), 0.0)};
  std::vector<int> neighbours(shape_.pixel_count(), 0);
  const auto index = [width](int x, int y) {
    return static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x);
  };
  // n * variance, per pixel: n·Σx² − (Σx)².
  const auto spread = [&](std::size_t i) { return n * sum_of_squares_[i] - sum_[i] * sum_[i]; };
  if (frames_ < 2) return image;
  for (int y = 0; y < height; ++y) {
    for (std::size_t d = 0; d < kDirections.size(); ++d) {
      const int dx = kDirections[d][0];
      const int dy = kDirections[d][1];
      if (y + dy >= height) continue;
      const int first = dx < 0 ? -dx : 0;
      const int last = dx > 0 ? width - dx : width;
      for (int x = first; x < last; ++x) {
        const std::size_t a = index(x, y);
        const std::size_t b = index(x + dx, y + dy);
        const double spreads = spread(a) * spread(b);
        if (!(spreads > 0.0)) continue;
        const double r = (n * sum_of_products_[d][a] - sum_[a] * sum_[b]) / std::sqrt(spreads);
        image.pixels[a] += r;
        image.pixels[b] += r;
        ++neighbours[a];
        ++neighbours[b];
      }
    }
  }
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    if (neighbours[i] > 0) image.pixels[i] /= neighbours[i];
  }
  return image;
}

template void LocalCorrelation::accumulate(FrameView<std::uint8_t>);
template void LocalCorrelation::accumulate(FrameView<std::uint16_t>);
template void LocalCorrelation::accumulate(FrameView<std::int16_t>);
template void LocalCorrelation::accumulate(FrameView<std::uint32_t>);
template void LocalCorrelation::accumulate(FrameView<float>);
template void LocalCorrelation::accumulate(FrameView<double>);

}  // namespace calmon
