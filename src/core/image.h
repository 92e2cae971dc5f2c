// image.h — a computed image: a projection, a kept frame, anything per-pixel calmon
// derives from the movie.
//
// Pixels are doubles, row-major like a frame (`pixels[y * width + x]`), so every pixel
// type's values — and numpy's float64 results such as data.mean(0) — are held exactly.
#pragma once

#include <cstddef>
#include <vector>

#include "core/frame_view.h"

namespace calmon {

struct Image {
  FrameShape shape{};
  std::vector<double> pixels{};

  double at(int x, int y) const {
    return pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(shape.width) + static_cast<std::size_t>(x)];
  }
};

// A frame's pixels as an Image (data[t] as float64: exact for every pixel type).
Image image_of(AnyFrameView frame);

}  // namespace calmon
