// wire_pixel_type.h — the wire's pixel-type enum and calmon's, one to one.
#pragma once

#include <optional>

#include "calmon/wire.pb.h"
#include "core/pixel_type.h"

namespace calmon::net {

constexpr pb::PixelType to_wire(PixelType type) {
  switch (type) {
    case PixelType::kU8: return pb::UINT8;
    case PixelType::kU16: return pb::UINT16;
    case PixelType::kI16: return pb::INT16;
    case PixelType::kU32: return pb::UINT32;
    case PixelType::kF32: return pb::FLOAT32;
    case PixelType::kF64: return pb::FLOAT64;
  }
  return pb::PIXEL_TYPE_UNSPECIFIED;
}

// nullopt for PIXEL_TYPE_UNSPECIFIED or a value this build does not know.
constexpr std::optional<PixelType> from_wire(int type) {
  switch (type) {
    case pb::UINT8: return PixelType::kU8;
    case pb::UINT16: return PixelType::kU16;
    case pb::INT16: return PixelType::kI16;
    case pb::UINT32: return PixelType::kU32;
    case pb::FLOAT32: return PixelType::kF32;
    case pb::FLOAT64: return PixelType::kF64;
    default: return std::nullopt;
  }
}

}  // namespace calmon::net
