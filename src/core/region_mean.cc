// region_mean.cc — a region compiled to row spans, and its mean over a frame.
//
// Unit weights on integer pixels sum exactly in 64 bits; floats sum in numpy's order
// (numpy_sum.h); weighted masks sum w * p in double. See the header.
#include "core/region_mean.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace calmon {

RegionMean::RegionMean(const Region& region, FrameShape shape) : shape_(shape) {
  if (region.kind() != Region::Kind::kMask) {
    const Rect& box = region.rect();
    for (int y = box.ymin; y < box.ymax; ++y) spans_.push_back({y, box.xmin, box.xmax, 0});
    pixel_count_ = region.pixel_count();
    weight_sum_ = static_cast<double>(pixel_count_);
    return;
  }

  // A mask: sort its pixels row-major, then cut them into runs of consecutive x.
  const std::vector<WeightedPixel>& pixels = region.mask_pixels();
  std::vector<std::size_t> order(pixels.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return pixels[a].y != pixels[b].y ? pixels[a].y < pixels[b].y : pixels[a].x < pixels[b].x;
  });
  const bool weighted = !region.unit_weights();
  for (std::size_t k = 0; k < order.size(); ++k) {
    const WeightedPixel& p = pixels[order[k]];
    if (spans_.empty() || spans_.back().y != p.y || spans_.back().x1 != p.x) {
      spans_.push_back({p.y, p.x, p.x, k});
    }
    spans_.back().x1 = p.x + 1;
    if (weighted) {
      weights_.push_back(p.weight);
      weight_sum_ += p.weight;
    }
  }
  pixel_count_ = pixels.size();
  if (!weighted) weight_sum_ = static_cast<double>(pixel_count_);
}

void RegionMean::check_shape(FrameShape frame_shape) const {
  if (frame_shape != shape_) {
    throw Error("region mean: frame is " + std::to_string(frame_shape.width) + "x" +
                std::to_string(frame_shape.height) + " but the region was compiled for " +
                std::to_string(shape_.width) + "x" + std::to_string(shape_.height));
  }
}

double RegionMean::operator()(AnyFrameView frame) const {
  return frame.visit([&](auto view) { return (*this)(view); });
}

}  // namespace calmon
