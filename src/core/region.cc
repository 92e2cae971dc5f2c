// region.cc — ROI shapes, their validation and their one-line descriptions.
#include "core/region.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/format_number.h"

namespace calmon {

namespace {

int one_past(int v) { return v == std::numeric_limits<int>::max() ? v : v + 1; }

std::string shape_to_string(FrameShape shape) {
  return std::to_string(shape.width) + "x" + std::to_string(shape.height);
}

Rect bounding_box_of(const std::vector<WeightedPixel>& pixels) {
  if (pixels.empty()) return Rect{};
  Rect box{std::numeric_limits<int>::max(), std::numeric_limits<int>::min(), std::numeric_limits<int>::max(),
           std::numeric_limits<int>::min()};
  for (const WeightedPixel& p : pixels) {
    box.xmin = std::min(box.xmin, p.x);
    box.xmax = std::max(box.xmax, p.x);
    box.ymin = std::min(box.ymin, p.y);
    box.ymax = std::max(box.ymax, p.y);
  }
  box.xmax = one_past(box.xmax);
  box.ymax = one_past(box.ymax);
  return box;
}

std::string pixel_to_string(int x, int y) {
  // Appended piecewise: g++ 12 -O3 warns falsely (-Wrestrict) on "(" + std::to_string(x).
  std::string text = "(";
  text += std::to_string(x);
  text += ", ";
  text += std::to_string(y);
  text += ")";
  return text;
}

bool inside(FrameShape shape, int x, int y) { return x >= 0 && y >= 0 && x < shape.width && y < shape.height; }

}  // namespace

Region Region::pixel(int x, int y) {
  Region region;
  region.kind_ = Kind::kPixel;
  region.bounding_box_ = Rect{x, one_past(x), y, one_past(y)};
  return region;
}

Region Region::rect(Rect r) {
  Region region;
  region.kind_ = Kind::kRect;
  region.bounding_box_ = r;
  return region;
}

Region Region::mask(std::vector<WeightedPixel> pixels) {
  Region region;
  region.kind_ = Kind::kMask;
  region.bounding_box_ = bounding_box_of(pixels);
  region.mask_ = std::move(pixels);
  return region;
}

Region Region::mask(std::span<const int> xs, std::span<const int> ys, std::span<const double> weights) {
  const std::size_t n = std::min(xs.size(), ys.size());
  const bool weights_match = weights.empty() || weights.size() == n;
  std::vector<WeightedPixel> pixels(n);
  for (std::size_t i = 0; i < n; ++i) {
    pixels[i] = {xs[i], ys[i], weights.empty() || i >= weights.size() ? 1.0 : weights[i]};
  }
  Region region = mask(std::move(pixels));
  if (xs.size() != ys.size() || !weights_match) {
    region.array_length_problem_ = "mask has " + std::to_string(xs.size()) + " x, " + std::to_string(ys.size()) +
                                   " y and " + std::to_string(weights.size()) +
                                   " weight values; x and y must have one value per pixel "
                                   "and weight one per pixel or none";
  }
  return region;
}

std::vector<WeightedPixel> Region::pixels() const {
  switch (kind_) {
    case Kind::kPixel: return {WeightedPixel{bounding_box_.xmin, bounding_box_.ymin, 1.0}};
    case Kind::kRect: {
      std::vector<WeightedPixel> out;
      if (bounding_box_.empty()) return out;
      out.reserve(pixel_count());
      for (int y = bounding_box_.ymin; y < bounding_box_.ymax; ++y) {
        for (int x = bounding_box_.xmin; x < bounding_box_.xmax; ++x) out.push_back({x, y, 1.0});
      }
      return out;
    }
    case Kind::kMask: return mask_;
  }
  return {};
}

std::size_t Region::pixel_count() const {
  switch (kind_) {
    case Kind::kPixel: return 1;
    case Kind::kRect:
      if (bounding_box_.empty()) return 0;
      // In 64 bits: an unvalidated rectangle may span more than INT_MAX.
      return static_cast<std::size_t>(static_cast<long long>(bounding_box_.xmax) - bounding_box_.xmin) *
             static_cast<std::size_t>(static_cast<long long>(bounding_box_.ymax) - bounding_box_.ymin);
    case Kind::kMask: return mask_.size();
  }
  return 0;
}

bool Region::unit_weights() const {
  return std::all_of(mask_.begin(), mask_.end(), [](const WeightedPixel& p) { return p.weight == 1.0; });
}

void Region::validate(FrameShape shape, std::string_view what) const {
  const std::string prefix = std::string(what) + ": ";
  const std::string frame = " the " + shape_to_string(shape) + " frame";
  switch (kind_) {
    case Kind::kPixel:
      if (!inside(shape, bounding_box_.xmin, bounding_box_.ymin)) {
        throw Error(prefix + describe() + " is outside" + frame);
      }
      return;
    case Kind::kRect:
      if (bounding_box_.empty()) {
        throw Error(prefix + describe() + " is empty (xmax must be > xmin and ymax > ymin)");
      }
      if (!bounding_box_.inside(shape)) throw Error(prefix + describe() + " is outside" + frame);
      return;
    case Kind::kMask: break;
  }

  if (!array_length_problem_.empty()) throw Error(prefix + array_length_problem_);
  if (mask_.empty()) throw Error(prefix + "mask has no pixels");

  double weight_sum = 0.0;
  for (std::size_t i = 0; i < mask_.size(); ++i) {
    const WeightedPixel& p = mask_[i];
    const std::string where = "mask pixel " + std::to_string(i) + " at " + pixel_to_string(p.x, p.y);
    if (!inside(shape, p.x, p.y)) throw Error(prefix + where + " is outside" + frame);
    if (!std::isfinite(p.weight)) {
      throw Error(prefix + where + " has weight " + format_number(p.weight) + "; weights must be finite");
    }
    if (p.weight < 0) {
      throw Error(prefix + where + " has negative weight " + format_number(p.weight));
    }
    weight_sum += p.weight;
  }
  if (!(weight_sum > 0) || !std::isfinite(weight_sum)) {
    throw Error(prefix + "mask weights sum to " + format_number(weight_sum) + "; they must sum to a finite value > 0");
  }

  // Duplicates: sort pixel indices row-major and compare neighbours. O(n log n).
  std::vector<std::size_t> order(mask_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto row_major_less = [&](std::size_t a, std::size_t b) {
    const WeightedPixel& pa = mask_[a];
    const WeightedPixel& pb = mask_[b];
    return pa.y != pb.y ? pa.y < pb.y : (pa.x != pb.x ? pa.x < pb.x : a < b);
  };
  std::sort(order.begin(), order.end(), row_major_less);
  for (std::size_t k = 1; k < order.size(); ++k) {
    const WeightedPixel& a = mask_[order[k - 1]];
    const WeightedPixel& b = mask_[order[k]];
    if (a.x == b.x && a.y == b.y) {
      throw Error(prefix + "mask pixel " + std::to_string(order[k]) + " at " + pixel_to_string(b.x, b.y) +
                  " repeats mask pixel " + std::to_string(order[k - 1]));
    }
  }
}

std::string Region::describe() const {
  switch (kind_) {
    case Kind::kPixel: return "pixel " + pixel_to_string(bounding_box_.xmin, bounding_box_.ymin);
    case Kind::kRect: return "rectangle " + bounding_box_.to_string();
    case Kind::kMask: return "mask of " + std::to_string(mask_.size()) + (mask_.size() == 1 ? " pixel" : " pixels");
  }
  return "region";
}

}  // namespace calmon
