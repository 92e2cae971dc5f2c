// cell_shape.cc — soft-edged ellipse geometry (see cell_shape.h).
#include "synth/cell_shape.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "synth/portable_math.h"

namespace calmon::synth {
namespace {

constexpr double kHalfPi = 1.57079632679489661923;
constexpr double kRadiansPerDegree = 3.14159265358979323846 / 180.0;

// Distance beyond the boundary at which the logistic weight falls to kMinWeight.
double weight_margin_px() { return CellShape::kEdgeWidthPx * portable_log(1.0 / CellShape::kMinWeight - 1.0); }

}  // namespace

CellShape::CellShape(double center_x, double center_y, double radius_x, double radius_y, double angle_deg)
    : center_x_(center_x),
      center_y_(center_y),
      radius_x_(radius_x),
      radius_y_(radius_y),
      angle_deg_(angle_deg),
      cos_angle_(portable_sin(angle_deg * kRadiansPerDegree + kHalfPi)),
      sin_angle_(portable_sin(angle_deg * kRadiansPerDegree)) {
  if (!(radius_x > 0) || !(radius_y > 0) || !std::isfinite(radius_x) || !std::isfinite(radius_y)) {
    throw Error("cell shape: radii must be positive, got " + std::to_string(radius_x) + " and " +
                std::to_string(radius_y));
  }
}

double CellShape::mean_radius() const { return std::sqrt(radius_x_ * radius_y_); }

CellShape CellShape::translated(double dx, double dy) const {
  CellShape moved = *this;  // the angle's sine and cosine carry over unchanged
  moved.center_x_ += dx;
  moved.center_y_ += dy;
  return moved;
}

void CellShape::to_unit_axes(double x, double y, double& u, double& v) const {
  const double dx = x - center_x_;
  const double dy = y - center_y_;
  u = (cos_angle_ * dx + sin_angle_ * dy) / radius_x_;
  v = (-sin_angle_ * dx + cos_angle_ * dy) / radius_y_;
}

bool CellShape::contains(int x, int y) const {
  double u = 0, v = 0;
  to_unit_axes(x, y, u, v);
  return u * u + v * v <= 1.0;
}

double CellShape::weight(int x, int y) const { return weight_at(x, y); }

double CellShape::weight_at(double x, double y) const {
  double u = 0, v = 0;
  to_unit_axes(x, y, u, v);
  const double rho = std::sqrt(u * u + v * v);  // 1 on the boundary
  const double dx = x - center_x_;
  const double dy = y - center_y_;
  const double distance = std::sqrt(dx * dx + dy * dy);
  // Signed distance to the boundary along the ray from the center (negative inside).
  const double to_boundary = rho > 0 ? distance - distance / rho : -std::min(radius_x_, radius_y_);
  const double w = 1.0 / (1.0 + portable_exp(to_boundary / kEdgeWidthPx));
  return w < kMinWeight ? 0.0 : w;
}

Rect CellShape::box_around(double margin_px, FrameShape frame) const {
  // Half extents of the rotated ellipse's axis-aligned bounding box.
  const double extent_x =
      std::sqrt(radius_x_ * radius_x_ * cos_angle_ * cos_angle_ + radius_y_ * radius_y_ * sin_angle_ * sin_angle_);
  const double extent_y =
      std::sqrt(radius_x_ * radius_x_ * sin_angle_ * sin_angle_ + radius_y_ * radius_y_ * cos_angle_ * cos_angle_);
  auto clamp = [](double value, int limit) {
    return static_cast<int>(std::clamp(value, 0.0, static_cast<double>(limit)));
  };
  Rect box;
  box.xmin = clamp(std::floor(center_x_ - extent_x - margin_px), frame.width);
  box.xmax = clamp(std::ceil(center_x_ + extent_x + margin_px) + 1, frame.width);
  box.ymin = clamp(std::floor(center_y_ - extent_y - margin_px), frame.height);
  box.ymax = clamp(std::ceil(center_y_ + extent_y + margin_px) + 1, frame.height);
  return box;
}

Rect CellShape::mask_bounds(FrameShape frame) const {
  const Rect search = box_around(0.0, frame);
  Rect bounds{search.xmax, search.xmin, search.ymax, search.ymin};  // inverted: empty
  bool any = false;
  for (int y = search.ymin; y < search.ymax; ++y) {
    for (int x = search.xmin; x < search.xmax; ++x) {
      if (!contains(x, y)) continue;
      any = true;
      bounds.xmin = std::min(bounds.xmin, x);
      bounds.xmax = std::max(bounds.xmax, x + 1);
      bounds.ymin = std::min(bounds.ymin, y);
      bounds.ymax = std::max(bounds.ymax, y + 1);
    }
  }
  return any ? bounds : Rect{};
}

Rect CellShape::weight_bounds(FrameShape frame) const { return box_around(weight_margin_px(), frame); }

}  // namespace calmon::synth
