// rect.h — a half-open pixel rectangle in the notebook's cell-table convention.
//
// `xmin xmax ymin ymax` selects numpy's `data[:, ymin:ymax, xmin:xmax]`: xmin and ymin
// included, xmax and ymax excluded. Used for rectangle ROIs and projection crops.
#pragma once

#include <string>

#include "core/frame_view.h"

namespace calmon {

struct Rect {
  int xmin = 0;
  int xmax = 0;
  int ymin = 0;
  int ymax = 0;

  int width() const { return xmax - xmin; }
  int height() const { return ymax - ymin; }
  bool empty() const { return xmax <= xmin || ymax <= ymin; }
  bool contains(int x, int y) const { return x >= xmin && x < xmax && y >= ymin && y < ymax; }
  bool inside(FrameShape shape) const { return xmin >= 0 && ymin >= 0 && xmax <= shape.width && ymax <= shape.height; }
  static Rect whole(FrameShape shape) { return {0, shape.width, 0, shape.height}; }
  bool operator==(const Rect&) const = default;

  // "x 15:35, y 20:35" — numpy slice notation, for messages.
  std::string to_string() const {
    return "x " + std::to_string(xmin) + ":" + std::to_string(xmax) + ", y " + std::to_string(ymin) + ":" +
           std::to_string(ymax);
  }
};

}  // namespace calmon
