// image.cc — frames converted to Images.
#include "core/image.h"

#include <algorithm>

namespace calmon {

Image image_of(AnyFrameView frame) {
  Image image{frame.shape(), std::vector<double>(frame.shape().pixel_count())};
  frame.visit([&](auto view) {
    std::transform(view.data(), view.data() + view.pixel_count(), image.pixels.begin(),
                   [](auto v) { return static_cast<double>(v); });
  });
  return image;
}

}  // namespace calmon
