// projection_crop.h — where a projection's crop lies in a frame, and an image of its size.
//
// Every projection accumulator reads the rows of its crop straight out of the whole
// frame: CropGeometry turns a crop rectangle and the frame's width into row pointers, so
// the loops over a row are plain contiguous loops.
#pragma once

#include <cstddef>
#include <vector>

#include "core/frame_view.h"
#include "core/image.h"
#include "core/rect.h"

namespace calmon::detail {

// Where a crop's rows lie in a frame.
struct CropGeometry {
  Rect crop;
  int frame_width = 0;

  std::size_t width() const { return static_cast<std::size_t>(crop.width()); }
  int height() const { return crop.height(); }
  std::size_t area() const { return width() * static_cast<std::size_t>(crop.height()); }
  template <class T> const T* source_row(const T* frame, int r) const {
    return frame + static_cast<std::size_t>(crop.ymin + r) * static_cast<std::size_t>(frame_width) +
           static_cast<std::size_t>(crop.xmin);
  }
};

// An image of the crop's size, all zeros.
inline Image blank_image(const CropGeometry& geometry) {
  return Image{FrameShape{geometry.crop.width(), geometry.crop.height()}, std::vector<double>(geometry.area())};
}

}  // namespace calmon::detail
