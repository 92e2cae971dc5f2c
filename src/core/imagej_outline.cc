// imagej_outline.cc — pixels → rectangles ImageJ fills back to the same pixels; see the header.
#include "core/imagej_outline.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace calmon {
namespace {

ImageJShape rectangle(int xmin, int xmax, int ymin, int ymax) {
  ImageJShape shape;
  shape.kind = ImageJShape::Kind::kRectangle;
  shape.left = xmin;
  shape.top = ymin;
  shape.width = xmax - xmin;
  shape.height = ymax - ymin;
  return shape;
}

std::vector<ImageJPoint> box(int xmin, int xmax, int ymin, int ymax) {
  const auto x0 = static_cast<double>(xmin), x1 = static_cast<double>(xmax);
  const auto y0 = static_cast<double>(ymin), y1 = static_cast<double>(ymax);
  return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
}

}  // namespace

ImageJShape imagej_shape_of(const Region& region) {
  if (region.kind() != Region::Kind::kMask) {
    const Rect& r = region.rect();
    return rectangle(r.xmin, r.xmax, r.ymin, r.ymax);
  }
  std::vector<std::pair<int, int>> pixels;  // (y, x), sorted row-major; repeats dropped
  for (const WeightedPixel& p : region.mask_pixels()) pixels.emplace_back(p.y, p.x);
  std::sort(pixels.begin(), pixels.end());
  pixels.erase(std::unique(pixels.begin(), pixels.end()), pixels.end());

  struct Box {
    int xmin, xmax, ymin, ymax;
  };
  std::vector<Box> done;
  std::map<std::pair<int, int>, Box> open;  // by (xmin, xmax): boxes that reach the previous row
  std::size_t i = 0;
  while (i < pixels.size()) {
    const int y = pixels[i].first;
    std::map<std::pair<int, int>, Box> next;
    while (i < pixels.size() && pixels[i].first == y) {  // one run of consecutive x
      const int x0 = pixels[i].second;
      int x1 = x0 + 1;
      ++i;
      while (i < pixels.size() && pixels[i].first == y && pixels[i].second == x1) {
        ++x1;
        ++i;
      }
      const auto key = std::make_pair(x0, x1);
      const auto found = open.find(key);
      if (found != open.end() && found->second.ymax == y) {
        Box grown = found->second;
        grown.ymax = y + 1;
        next[key] = grown;
        open.erase(found);
      } else {
        next[key] = Box{x0, x1, y, y + 1};
      }
    }
    for (const auto& [key, b] : open) done.push_back(b);
    open = std::move(next);
  }
  for (const auto& [key, b] : open) done.push_back(b);

  if (done.size() == 1) return rectangle(done[0].xmin, done[0].xmax, done[0].ymin, done[0].ymax);
  std::sort(done.begin(), done.end(),
            [](const Box& a, const Box& b) { return std::tie(a.ymin, a.xmin) < std::tie(b.ymin, b.xmin); });
  ImageJShape shape;
  shape.kind = ImageJShape::Kind::kComposite;
  const Rect& bounds = region.rect();
  shape.left = bounds.xmin;
  shape.top = bounds.ymin;
  shape.width = bounds.width();
  shape.height = bounds.height();
  for (const Box& b : done) shape.subpaths.push_back(box(b.xmin, b.xmax, b.ymin, b.ymax));
  return shape;
}

}  // namespace calmon
