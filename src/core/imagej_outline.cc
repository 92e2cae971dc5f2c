// imagej_outline.cc — pixels → outlines along pixel edges that ImageJ fills back to the
// same pixels; see the header.
//
// Every side of a mask pixel that borders a pixel outside the mask is a boundary edge,
// directed clockwise around its pixel (on screen, y down): the top side to the right,
// the right side down, the bottom side to the left, the left side up. Each corner then
// has as many edges leaving as arriving, so following them from any unused edge closes
// a loop; at a corner where two pixels meet only diagonally, the walk turns right, which
// keeps such pixels' outlines apart. Corners where the direction does not change are left
// out. ImageJ's row-by-row even-odd fill of all loops crosses each row's centre line at
// exactly the vertical boundary edges of that row, so it gives back exactly the mask.
#include "core/imagej_outline.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace calmon {
namespace {

using Corner = std::pair<int, int>;  // (x, y) of a pixel corner

ImageJShape rectangle(int xmin, int xmax, int ymin, int ymax) {
  ImageJShape shape;
  shape.kind = ImageJShape::Kind::kRectangle;
  shape.left = xmin;
  shape.top = ymin;
  shape.width = xmax - xmin;
  shape.height = ymax - ymin;
  return shape;
}

// Direction of the step a → b: 0 right, 1 down, 2 left, 3 up (clockwise on screen).
int direction(const Corner& a, const Corner& b) {
  if (b.first > a.first) return 0;
  if (b.second > a.second) return 1;
  if (b.first < a.first) return 2;
  return 3;
}

std::vector<std::vector<Corner>> boundary_loops(const std::set<std::pair<int, int>>& pixels) {
  const auto in = [&](int x, int y) { return pixels.count({x, y}) > 0; };
  std::map<Corner, std::vector<Corner>> leaving;  // corner → the ends of its unused edges
  for (const auto& [x, y] : pixels) {
    if (!in(x, y - 1)) leaving[{x, y}].push_back({x + 1, y});
    if (!in(x + 1, y)) leaving[{x + 1, y}].push_back({x + 1, y + 1});
    if (!in(x, y + 1)) leaving[{x + 1, y + 1}].push_back({x, y + 1});
    if (!in(x - 1, y)) leaving[{x, y + 1}].push_back({x, y});
  }
  std::vector<std::vector<Corner>> loops;
  for (auto& [start, ends] : leaving) {
    while (!ends.empty()) {
      std::vector<Corner> loop = {start};
      Corner at = ends.back();
      ends.pop_back();
      int heading = direction(start, at);
      while (at != start) {
        loop.push_back(at);
        std::vector<Corner>& next = leaving[at];
        // Two ways on (pixels meeting at a corner only): turn right.
        auto pick = next.begin();
        for (auto it = next.begin(); it != next.end(); ++it) {
          if (direction(at, *it) == (heading + 1) % 4) pick = it;
        }
        const Corner to = *pick;
        next.erase(pick);
        heading = direction(at, to);
        at = to;
      }
      // Only the corners where the outline turns.
      std::vector<Corner> turns;
      for (std::size_t i = 0; i < loop.size(); ++i) {
        const Corner& before = loop[(i + loop.size() - 1) % loop.size()];
        const Corner& after = loop[(i + 1) % loop.size()];
        if (direction(before, loop[i]) != direction(loop[i], after)) turns.push_back(loop[i]);
      }
      loops.push_back(std::move(turns));
    }
  }
  return loops;
}

std::vector<ImageJPoint> points_of(const std::vector<Corner>& loop) {
  std::vector<ImageJPoint> points;
  for (const auto& [x, y] : loop) points.push_back({static_cast<double>(x), static_cast<double>(y)});
  return points;
}

}  // namespace

ImageJShape imagej_shape_of(const Region& region) {
  const Rect& bounds = region.rect();
  if (region.kind() != Region::Kind::kMask) return rectangle(bounds.xmin, bounds.xmax, bounds.ymin, bounds.ymax);
  std::set<std::pair<int, int>> pixels;
  for (const WeightedPixel& p : region.mask_pixels()) pixels.insert({p.x, p.y});
  if (pixels.size() == static_cast<std::size_t>(bounds.width()) * static_cast<std::size_t>(bounds.height())) {
    return rectangle(bounds.xmin, bounds.xmax, bounds.ymin, bounds.ymax);
  }
  const std::vector<std::vector<Corner>> loops = boundary_loops(pixels);
  ImageJShape shape;
  shape.left = bounds.xmin;
  shape.top = bounds.ymin;
  shape.width = bounds.width();
  shape.height = bounds.height();
  if (loops.size() == 1) {
    shape.kind = ImageJShape::Kind::kTraced;
    shape.points = points_of(loops[0]);
  } else {
    shape.kind = ImageJShape::Kind::kComposite;
    for (const auto& loop : loops) shape.subpaths.push_back(points_of(loop));
  }
  return shape;
}

}  // namespace calmon
