// region_message.cc — pb::Region ↔ calmon::Region; see the header.
#include "config/region_message.h"

#include <span>

namespace calmon::config {

std::optional<Region> to_core_region(const pb::Region& region) {
  switch (region.shape_case()) {
    case pb::Region::kPixel: return Region::pixel(region.pixel().x(), region.pixel().y());
    case pb::Region::kRect: {
      const pb::Rect& r = region.rect();
      return Region::rect(Rect{r.xmin(), r.xmax(), r.ymin(), r.ymax()});
    }
    case pb::Region::kMask: {
      const pb::Mask& m = region.mask();
      return Region::mask(std::span<const int>(m.x().data(), static_cast<std::size_t>(m.x().size())),
                          std::span<const int>(m.y().data(), static_cast<std::size_t>(m.y().size())),
                          std::span<const double>(m.weight().data(), static_cast<std::size_t>(m.weight().size())));
    }
    case pb::Region::SHAPE_NOT_SET: break;
  }
  return std::nullopt;
}

pb::Region to_wire_region(const Region& region) {
  pb::Region wire;
  const Rect& box = region.rect();
  switch (region.kind()) {
    case Region::Kind::kPixel:
      wire.mutable_pixel()->set_x(box.xmin);
      wire.mutable_pixel()->set_y(box.ymin);
      break;
    case Region::Kind::kRect: {
      pb::Rect* rect = wire.mutable_rect();
      rect->set_xmin(box.xmin);
      rect->set_xmax(box.xmax);
      rect->set_ymin(box.ymin);
      rect->set_ymax(box.ymax);
      break;
    }
    case Region::Kind::kMask: {
      pb::Mask* mask = wire.mutable_mask();
      const bool weighted = !region.unit_weights();
      for (const WeightedPixel& pixel : region.mask_pixels()) {
        mask->add_x(pixel.x);
        mask->add_y(pixel.y);
        if (weighted) mask->add_weight(pixel.weight);
      }
      break;
    }
  }
  return wire;
}

}  // namespace calmon::config
