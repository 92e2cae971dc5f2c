// cell_shape.h — a cell body as a soft-edged, possibly rotated ellipse on the pixel grid.
//
// Pixel (x, y) — numpy's data[:, y, x] — is sampled at the point (x, y). A pixel is
// *in* the cell when that point lies inside the ellipse; that is the label mask. Its
// *weight* (how much of the cell's light it gets) falls smoothly from 1 inside to 0
// outside, a logistic of the distance to the boundary with a `kEdgeWidthPx` scale, so
// it is exactly 0.5 on the boundary. Weights below `kMinWeight` are dropped, which
// keeps each cell's footprint a small box instead of the whole frame.
#pragma once

#include <vector>

#include "core/frame_view.h"
#include "core/rect.h"

namespace calmon::synth {

class CellShape {
 public:
  static constexpr double kEdgeWidthPx = 0.5;
  static constexpr double kMinWeight = 1e-3;

  // radii > 0; angle_deg turns the x radius from the +x axis towards +y (clockwise on
  // screen, where y grows downwards as numpy's row index does).
  CellShape(double center_x, double center_y, double radius_x, double radius_y, double angle_deg);

  double center_x() const { return center_x_; }
  double center_y() const { return center_y_; }
  double radius_x() const { return radius_x_; }
  double radius_y() const { return radius_y_; }
  double angle_deg() const { return angle_deg_; }
  // sqrt(radius_x · radius_y): the radius of the circle of the same area.
  double mean_radius() const;
  // The same cell with its center moved by (dx, dy): where a moving frame sees it.
  CellShape translated(double dx, double dy) const;

  bool contains(int x, int y) const;  // the label mask
  double weight(int x, int y) const;  // in [0, 1]; 0 below kMinWeight
  // The same at any point (a warped frame samples the cell between pixels).
  double weight_at(double x, double y) const;

  // Half-open box of the pixels the cell contains, clipped to the frame (may be empty).
  Rect mask_bounds(FrameShape frame) const;
  // Half-open box outside which every weight is 0, clipped to the frame.
  Rect weight_bounds(FrameShape frame) const;

 private:
  // (x, y) in the ellipse's own axes, in units of its radii: inside iff u² + v² <= 1.
  void to_unit_axes(double x, double y, double& u, double& v) const;
  Rect box_around(double margin_px, FrameShape frame) const;

  double center_x_, center_y_, radius_x_, radius_y_, angle_deg_;
  double cos_angle_, sin_angle_;
};

}  // namespace calmon::synth
