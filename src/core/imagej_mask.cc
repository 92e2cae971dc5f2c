// imagej_mask.cc — ImageJ's mask rules, shape by shape; see the header.
//
// ImageJ builds every mask in the frame of the ROI's integer bounds (origin at their
// top-left pixel, `width` × `height` pixels) and clips it to them; so does this file,
// then shifts the pixels back to image coordinates. The arithmetic is kept in the order
// ImageJ's does it (float where it uses float, the same accumulation of an edge's x from
// row to row) so that pixel centres lying exactly on an edge fall on the same side.
#include "core/imagej_mask.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "core/error.h"

namespace calmon {
namespace {

// Coordinates beyond this are no image's (ImageJ's own files keep them in 16 bits, or in
// floats for subpixel ROIs): refused before any arithmetic turns them into integers.
constexpr double kMaxCoordinate = 1e7;
// The largest mask box rasterized: 4096 x 4096 pixels, far beyond any cell (calmond takes
// 8192 pixels per ROI by default). A damaged file claiming more is refused instead of
// taking gigabytes: the box and the pixels in it stay under 300 MB.
constexpr double kMaxMaskPixels = 4096.0 * 4096.0;

// A mask in the frame of the ROI's integer bounds: `inside[y * width + x]`.
struct LocalMask {
  int left = 0;
  int top = 0;
  int width = 0;
  int height = 0;
  std::vector<char> inside;

  // Thrown when the box is over kMaxMaskPixels; imagej_region says so in one line.
  struct TooLarge {
    int width, height;
  };

  LocalMask(int l, int t, int w, int h) : left(l), top(t), width(std::max(w, 0)), height(std::max(h, 0)) {
    if (static_cast<double>(width) * height > kMaxMaskPixels) throw TooLarge{width, height};
    inside.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
  }
  void set(int x, int y) { inside[static_cast<std::size_t>(y) * width + x] = 1; }
};

// One non-horizontal edge of a polygon, as the scan-line fill keeps it: the rows it spans,
// [first_row, end_row), its x at the centre of its first row, and dx per row.
struct Edge {
  double x = 0;
  int first_row = 0;
  int end_row = 0;
  double slope = 0;
};

// The polygon filler's edge from integer vertices (x1, y1) → (x2, y2), y1 != y2.
Edge integer_edge(int x1, int y1, int x2, int y2) {
  if (y1 > y2) {
    std::swap(x1, x2);
    std::swap(y1, y2);
  }
  const double slope = static_cast<double>(x2 - x1) / (y2 - y1);
  return {x1 + 0.5 * slope + 1e-8, y1, y2, slope};
}

// Java's Math.round for the coordinates of a mask: floor(v + 0.5).
int round_half_up(double v) { return static_cast<int>(std::floor(v + 0.5)); }

// Fills `mask` by the scan-line rule of ImageJ's polygon filler: a pixel is inside when
// its centre lies between an odd-numbered and the next crossing of its row's centre line
// (even-odd over all edges, so several closed paths combine as a composite does); the
// crossing's x is rounded with (int)(x + 0.5), so a centre exactly on a left edge is out
// and one on a right edge is in. Rows and columns outside the mask are clipped.
void fill_edges(const std::vector<Edge>& edges, LocalMask& mask) {
  if (edges.empty()) return;
  int row_min = std::numeric_limits<int>::max();
  int row_max = std::numeric_limits<int>::min();
  for (const Edge& edge : edges) {
    row_min = std::min(row_min, edge.first_row);
    row_max = std::max(row_max, edge.end_row);
  }
  const int first = std::max(row_min, 0);
  // The x of each edge at the current row: edges that begin above the first row filled
  // are moved down in one step, the others start at their first row; then each row adds
  // the slope once, as ImageJ's filler does.
  std::vector<double> x(edges.size());
  std::vector<char> started(edges.size(), 0);
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (row_min != 0 && edges[i].first_row < first && edges[i].end_row >= first) {
      x[i] = edges[i].x + edges[i].slope * (first - edges[i].first_row);
      started[i] = 1;
    }
  }
  std::vector<double> crossings;
  const int end = std::min(mask.height, row_max + 1);
  for (int row = first; row < end; ++row) {
    crossings.clear();
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (!started[i] && row == edges[i].first_row) {
        x[i] = edges[i].x;
        started[i] = 1;
      }
      if (started[i] && row >= edges[i].first_row && row < edges[i].end_row) crossings.push_back(x[i]);
    }
    std::sort(crossings.begin(), crossings.end());
    for (std::size_t i = 0; i + 1 < crossings.size(); i += 2) {
      // Java's (int) cast truncates toward zero.
      const int from = std::clamp(static_cast<int>(crossings[i] + 0.5), 0, mask.width);
      const int to = std::clamp(static_cast<int>(crossings[i + 1] + 0.5), 0, mask.width);
      for (int col = from; col < to; ++col) mask.set(col, row);
    }
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (started[i] && row >= edges[i].first_row && row < edges[i].end_row) x[i] += edges[i].slope;
    }
  }
}

// The edges of closed polygons with float vertices, in mask coordinates after adding
// (x_offset, y_offset) in double: rows are the rounded ends; edges that stay above the
// first row, or are horizontal after rounding, are left out (ImageJ's float rule).
std::vector<Edge> float_edges(const std::vector<std::vector<float>>& xs, const std::vector<std::vector<float>>& ys,
                              double x_offset, double y_offset) {
  std::vector<Edge> edges;
  for (std::size_t p = 0; p < xs.size(); ++p) {
    const std::size_t n = xs[p].size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t next = i + 1 == n ? 0 : i + 1;
      double y1f = ys[p][i] + y_offset;
      double y2f = ys[p][next] + y_offset;
      double x1f = xs[p][i] + x_offset;
      double x2f = xs[p][next] + x_offset;
      int y1 = round_half_up(y1f);
      int y2 = round_half_up(y2f);
      if (y1 == y2 || (y1 <= 0 && y2 <= 0)) continue;
      if (y1 > y2) {
        std::swap(y1, y2);
        std::swap(y1f, y2f);
        std::swap(x1f, x2f);
      }
      const double slope = (x2f - x1f) / (y2f - y1f);
      edges.push_back({x1f + (y1 - y1f + 0.5) * slope + 1e-8, y1, y2, slope});
    }
  }
  return edges;
}

// Integer polygon (polygon, freehand, traced without subpixel resolution): bounds are the
// vertices' extremes, width = max − min.
LocalMask integer_polygon_mask(const std::vector<ImageJPoint>& points) {
  std::vector<int> xs, ys;
  for (const ImageJPoint& p : points) {
    xs.push_back(static_cast<int>(p.x));
    ys.push_back(static_cast<int>(p.y));
  }
  const auto [xmin, xmax] = std::minmax_element(xs.begin(), xs.end());
  const auto [ymin, ymax] = std::minmax_element(ys.begin(), ys.end());
  LocalMask mask(*xmin, *ymin, *xmax - *xmin, *ymax - *ymin);
  std::vector<Edge> edges;
  const std::size_t n = xs.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t next = i + 1 == n ? 0 : i + 1;
    if (ys[i] == ys[next]) continue;
    edges.push_back(integer_edge(xs[i] - mask.left, ys[i] - mask.top, xs[next] - mask.left, ys[next] - mask.top));
  }
  fill_edges(edges, mask);
  return mask;
}

// Subpixel polygon: float vertices; the bounds are the float extremes (their difference
// in float), the integer bounds enclose them, and the vertices are kept relative to the
// float minimum, with the float minimum's offset from the integer bounds added back.
LocalMask float_polygon_mask(const std::vector<ImageJPoint>& points) {
  std::vector<float> xs, ys;
  for (const ImageJPoint& p : points) {
    xs.push_back(static_cast<float>(p.x));
    ys.push_back(static_cast<float>(p.y));
  }
  const float min_x = *std::min_element(xs.begin(), xs.end());
  const float min_y = *std::min_element(ys.begin(), ys.end());
  // ImageJ starts its maxima at the smallest positive float.
  const float max_x = std::max(*std::max_element(xs.begin(), xs.end()), std::numeric_limits<float>::denorm_min());
  const float max_y = std::max(*std::max_element(ys.begin(), ys.end()), std::numeric_limits<float>::denorm_min());
  const double width_f = static_cast<float>(max_x - min_x);
  const double height_f = static_cast<float>(max_y - min_y);
  const int left = static_cast<int>(std::floor(static_cast<double>(min_x)));
  const int top = static_cast<int>(std::floor(static_cast<double>(min_y)));
  LocalMask mask(left, top, static_cast<int>(std::ceil(min_x + width_f)) - left,
                 static_cast<int>(std::ceil(min_y + height_f)) - top);
  for (float& x : xs) x = x - min_x;
  for (float& y : ys) y = y - min_y;
  fill_edges(float_edges({xs}, {ys}, static_cast<double>(min_x) - left, static_cast<double>(min_y) - top), mask);
  return mask;
}

// Composite: the subpaths' float points; the integer bounds are those of the float
// bounds, the points are moved to them (in double, stored as float), and all subpaths
// are filled together, even-odd.
LocalMask composite_mask(const std::vector<std::vector<ImageJPoint>>& subpaths) {
  float min_x = std::numeric_limits<float>::infinity(), min_y = min_x;
  float max_x = -min_x, max_y = -min_x;
  for (const auto& path : subpaths) {
    for (const ImageJPoint& p : path) {
      min_x = std::min(min_x, static_cast<float>(p.x));
      min_y = std::min(min_y, static_cast<float>(p.y));
      max_x = std::max(max_x, static_cast<float>(p.x));
      max_y = std::max(max_y, static_cast<float>(p.y));
    }
  }
  if (!(min_x <= max_x)) return LocalMask(0, 0, 0, 0);
  const int left = static_cast<int>(std::floor(static_cast<double>(min_x)));
  const int top = static_cast<int>(std::floor(static_cast<double>(min_y)));
  const double width_f = static_cast<float>(max_x - min_x);
  const double height_f = static_cast<float>(max_y - min_y);
  LocalMask mask(left, top, static_cast<int>(std::ceil(min_x + width_f)) - left,
                 static_cast<int>(std::ceil(min_y + height_f)) - top);
  std::vector<std::vector<float>> xs, ys;
  for (const auto& path : subpaths) {
    xs.emplace_back();
    ys.emplace_back();
    for (const ImageJPoint& p : path) {
      xs.back().push_back(static_cast<float>(static_cast<double>(static_cast<float>(p.x)) - left));
      ys.back().push_back(static_cast<float>(static_cast<double>(static_cast<float>(p.y)) - top));
    }
  }
  fill_edges(float_edges(xs, ys, 0.0, 0.0), mask);
  return mask;
}

// Rounded rectangle: ImageJ fills the outline Java's RoundRectangle2D draws for the
// integer bounds and a corner diameter `d` (capped at the width and height): four sides
// and four cubic Bézier corners, the corner's control points (1 − k)/2 of the diameter from
// its ends, k = 4/3 · a · b / (√(1 + b²) − 1 + a), a = 1 − cos(π/4), b = tan(π/4). The
// corners are flattened to lines as Java's flattening iterator does (halving a curve until
// both control points lie within 0.01 pixel of its chord, at most 10 times), in the
// bounds' frame, stored as floats, and the polygon is filled as a composite's is.
struct Cubic {
  double v[8];  // start, control 1, control 2, end: x, y each
};

// The squared distance from (px, py) to the segment (x1, y1)-(x2, y2), in the steps Java's
// Line2D.ptSegDistSq takes.
double segment_distance_sq(double x1, double y1, double x2, double y2, double px, double py) {
  x2 -= x1;
  y2 -= y1;
  px -= x1;
  py -= y1;
  double dot = px * x2 + py * y2;
  double projection_sq = 0.0;
  if (dot > 0.0) {
    px = x2 - px;
    py = y2 - py;
    dot = px * x2 + py * y2;
    if (dot > 0.0) projection_sq = dot * dot / (x2 * x2 + y2 * y2);
  }
  const double distance_sq = px * px + py * py - projection_sq;
  return distance_sq < 0 ? 0 : distance_sq;
}

double flatness_sq(const Cubic& c) {
  return std::max(segment_distance_sq(c.v[0], c.v[1], c.v[6], c.v[7], c.v[2], c.v[3]),
                  segment_distance_sq(c.v[0], c.v[1], c.v[6], c.v[7], c.v[4], c.v[5]));
}

// De Casteljau's halves at t = 1/2.
std::pair<Cubic, Cubic> halves(const Cubic& c) {
  const double x1 = (c.v[0] + c.v[2]) / 2.0, y1 = (c.v[1] + c.v[3]) / 2.0;
  const double x2 = (c.v[6] + c.v[4]) / 2.0, y2 = (c.v[7] + c.v[5]) / 2.0;
  double cx = (c.v[2] + c.v[4]) / 2.0, cy = (c.v[3] + c.v[5]) / 2.0;
  const double c1x = (x1 + cx) / 2.0, c1y = (y1 + cy) / 2.0;
  const double c2x = (x2 + cx) / 2.0, c2y = (y2 + cy) / 2.0;
  cx = (c1x + c2x) / 2.0;
  cy = (c1y + c2y) / 2.0;
  return {Cubic{{c.v[0], c.v[1], x1, y1, c1x, c1y, cx, cy}}, Cubic{{cx, cy, c2x, c2y, x2, y2, c.v[6], c.v[7]}}};
}

void flatten(const Cubic& c, int level, std::vector<float>& xs, std::vector<float>& ys) {
  constexpr int kLimit = 10;
  constexpr double kFlatness = 0.01;
  if (level < kLimit && !(flatness_sq(c) < kFlatness * kFlatness)) {
    const auto [left, right] = halves(c);
    flatten(left, level + 1, xs, ys);
    flatten(right, level + 1, xs, ys);
    return;
  }
  xs.push_back(static_cast<float>(c.v[6]));
  ys.push_back(static_cast<float>(c.v[7]));
}

LocalMask rounded_rectangle_mask(int left, int top, int width, int height, int diameter) {
  LocalMask mask(left, top, width, height);
  static const double a = 1.0 - std::cos(std::numbers::pi / 4.0);
  static const double b = std::tan(std::numbers::pi / 4.0);
  static const double c = std::sqrt(1.0 + b * b) - 1 + a;
  static const double k = 4.0 / 3.0 * a * b / c;
  static const double q = (1.0 - k) / 2.0;
  const double x = static_cast<float>(left), y = static_cast<float>(top);
  const double w = static_cast<float>(width), h = static_cast<float>(height);
  const double aw = std::min(w, std::abs(static_cast<double>(static_cast<float>(diameter))));
  const double ah = std::min(h, std::abs(static_cast<double>(static_cast<float>(diameter))));
  // A point as x + fx·w + ax·d, y + fy·h + ay·d, moved to the bounds' frame, as a float.
  const auto at = [&](double fx, double ax, double fy, double ay) {
    return std::make_pair(static_cast<double>(static_cast<float>((x + fx * w + ax * aw) + -x)),
                          static_cast<double>(static_cast<float>((y + fy * h + ay * ah) + -y)));
  };
  std::vector<float> xs, ys;
  auto current = at(0, 0, 0, 0.5);
  xs.push_back(static_cast<float>(current.first));
  ys.push_back(static_cast<float>(current.second));
  const auto line = [&](std::pair<double, double> to) {
    xs.push_back(static_cast<float>(to.first));
    ys.push_back(static_cast<float>(to.second));
    current = to;
  };
  const auto corner = [&](std::pair<double, double> c1, std::pair<double, double> c2, std::pair<double, double> to) {
    flatten(Cubic{{current.first, current.second, c1.first, c1.second, c2.first, c2.second, to.first, to.second}}, 0,
            xs, ys);
    current = to;
  };
  line(at(0, 0, 1, -0.5));
  corner(at(0, 0, 1, -q), at(0, q, 1, 0), at(0, 0.5, 1, 0));
  line(at(1, -0.5, 1, 0));
  corner(at(1, -q, 1, 0), at(1, 0, 1, -q), at(1, 0, 1, -0.5));
  line(at(1, 0, 0, 0.5));
  corner(at(1, 0, 0, q), at(1, -q, 0, 0), at(1, -0.5, 0, 0));
  line(at(0, 0.5, 0, 0));
  corner(at(0, q, 0, 0), at(0, 0, 0, q), at(0, 0, 0, 0.5));
  fill_edges(float_edges({xs}, {ys}, 0.0, 0.0), mask);
  return mask;
}

// Oval: ImageJ's OvalRoi mask takes the integer bounds only (a subpixel oval's bounds are
// truncated, its size rounded up) and keeps pixel (x, y) of the box when
// (x − (w/2 − 0.5))² / (w/2)² + (y − (h/2 − 0.5))² / (h/2)² ≤ 1.
LocalMask oval_mask(int left, int top, int width, int height) {
  LocalMask mask(left, top, width, height);
  const double a = width / 2.0;
  const double b = height / 2.0;
  const double a2 = a * a;
  const double b2 = b * b;
  const double ca = a - 0.5;
  const double cb = b - 0.5;
  for (int y = 0; y < mask.height; ++y) {
    for (int x = 0; x < mask.width; ++x) {
      const double xx = x - ca;
      const double yy = y - cb;
      if (xx * xx / a2 + yy * yy / b2 <= 1.0) mask.set(x, y);
    }
  }
  return mask;
}

// A subpixel rectangle or oval: ImageJ's Roi(double...) truncates x and y to int and
// rounds the size up.
struct IntBounds {
  int left, top, width, height;
};
IntBounds integer_bounds(const ImageJShape& shape) {
  if (!shape.subpixel) return {shape.left, shape.top, shape.width, shape.height};
  return {static_cast<int>(shape.x), static_cast<int>(shape.y), static_cast<int>(std::ceil(shape.w)),
          static_cast<int>(std::ceil(shape.h))};
}

Region to_region(const LocalMask& mask, std::string_view what, std::string_view kind) {
  std::vector<WeightedPixel> pixels;
  for (int y = 0; y < mask.height; ++y) {
    for (int x = 0; x < mask.width; ++x) {
      if (mask.inside[static_cast<std::size_t>(y) * mask.width + x])
        pixels.push_back({mask.left + x, mask.top + y, 1.0});
    }
  }
  if (pixels.empty()) throw Error(std::string(what) + ": the " + std::string(kind) + "'s ImageJ mask holds no pixel");
  return Region::mask(std::move(pixels));
}

void check_coordinates(const ImageJShape& shape, std::string_view what) {
  const auto check = [&](double v) {
    if (!(std::abs(v) <= kMaxCoordinate)) {
      throw Error(std::string(what) + ": a coordinate (" + std::to_string(v) + ") is beyond any image");
    }
  };
  for (double v : {static_cast<double>(shape.left), static_cast<double>(shape.top), static_cast<double>(shape.width),
                   static_cast<double>(shape.height), shape.x, shape.y, shape.w, shape.h}) {
    check(v);
  }
  for (const ImageJPoint& p : shape.points) {
    check(p.x);
    check(p.y);
  }
  for (const auto& path : shape.subpaths) {
    for (const ImageJPoint& p : path) {
      check(p.x);
      check(p.y);
    }
  }
}

Region rasterize(const ImageJShape& shape, std::string_view what) {
  const std::string_view kind = imagej_kind_name(shape.kind);
  switch (shape.kind) {
    case ImageJShape::Kind::kRectangle: {
      const IntBounds b = integer_bounds(shape);
      if (shape.corner_diameter > 0) {
        return to_region(rounded_rectangle_mask(b.left, b.top, b.width, b.height, shape.corner_diameter), what,
                         "rounded rectangle");
      }
      if (b.width <= 0 || b.height <= 0) {
        throw Error(std::string(what) + ": the rectangle is empty (" + std::to_string(b.width) + "x" +
                    std::to_string(b.height) + ")");
      }
      return Region::rect({b.left, b.left + b.width, b.top, b.top + b.height});
    }
    case ImageJShape::Kind::kOval: {
      const IntBounds b = integer_bounds(shape);
      return to_region(oval_mask(b.left, b.top, b.width, b.height), what, kind);
    }
    case ImageJShape::Kind::kPolygon:
    case ImageJShape::Kind::kFreehand:
    case ImageJShape::Kind::kTraced:
      if (shape.points.size() < 3) {
        throw Error(std::string(what) + ": a " + std::string(kind) + " needs at least 3 vertices, it has " +
                    std::to_string(shape.points.size()));
      }
      return to_region(shape.subpixel ? float_polygon_mask(shape.points) : integer_polygon_mask(shape.points), what,
                       kind);
    case ImageJShape::Kind::kComposite: return to_region(composite_mask(shape.subpaths), what, kind);
  }
  throw Error(std::string(what) + ": unknown ImageJ shape");
}

}  // namespace

Region imagej_region(const ImageJShape& shape, std::string_view what) {
  check_coordinates(shape, what);
  try {
    return rasterize(shape, what);
  } catch (const LocalMask::TooLarge& box) {
    throw Error(std::string(what) + ": its bounds of " + std::to_string(box.width) + "x" + std::to_string(box.height) +
                " pixels are larger than calmon rasterizes (4096x4096)");
  }
}

}  // namespace calmon
