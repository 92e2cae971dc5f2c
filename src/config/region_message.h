// region_message.h — the Region message (proto/calmon/config.proto, which the wire's
// RoiInfo carries too) to and from calmon::Region.
#pragma once

#include <optional>

#include "calmon/config.pb.h"
#include "core/region.h"

namespace calmon::config {

// The Region a message describes; std::nullopt when it gives no shape (no pixel, rect or
// mask). Never throws: Region::validate checks the pixels against a frame later.
std::optional<Region> to_core_region(const pb::Region& region);

// A Region as the message; a mask's weights are written only when they are not all 1.
pb::Region to_wire_region(const Region& region);

}  // namespace calmon::config
