// pixel_type.h — the pixel types a frame may carry, and dispatch from a runtime tag to
// the C++ type.
//
// Microscopes deliver 8-, 16- or 32-bit integers or floats. Everything that touches
// pixels is a template on the C++ type; `dispatch_pixel_type` is the single switch that
// turns a runtime `PixelType` into that template argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include "core/error.h"

namespace calmon {

enum class PixelType : std::uint8_t { kU8, kU16, kI16, kU32, kF32, kF64 };

constexpr std::size_t bytes_per_pixel(PixelType type) {
  switch (type) {
    case PixelType::kU8: return 1;
    case PixelType::kU16: return 2;
    case PixelType::kI16: return 2;
    case PixelType::kU32: return 4;
    case PixelType::kF32: return 4;
    case PixelType::kF64: return 8;
  }
  return 0;
}

// numpy's name for the type: "uint8", "uint16", "int16", "uint32", "float32", "float64".
constexpr std::string_view pixel_type_name(PixelType type) {
  switch (type) {
    case PixelType::kU8: return "uint8";
    case PixelType::kU16: return "uint16";
    case PixelType::kI16: return "int16";
    case PixelType::kU32: return "uint32";
    case PixelType::kF32: return "float32";
    case PixelType::kF64: return "float64";
  }
  return "unknown";
}

// The inverse of pixel_type_name; nullopt for a name calmon does not support.
constexpr std::optional<PixelType> pixel_type_from_name(std::string_view name) {
  for (PixelType t :
       {PixelType::kU8, PixelType::kU16, PixelType::kI16, PixelType::kU32, PixelType::kF32, PixelType::kF64}) {
    if (pixel_type_name(t) == name) return t;
  }
  return std::nullopt;
}

template <class T> struct PixelTypeOf;
template <> struct PixelTypeOf<std::uint8_t> { static constexpr PixelType value = PixelType::kU8; };
template <> struct PixelTypeOf<std::uint16_t> { static constexpr PixelType value = PixelType::kU16; };
template <> struct PixelTypeOf<std::int16_t> { static constexpr PixelType value = PixelType::kI16; };
template <> struct PixelTypeOf<std::uint32_t> { static constexpr PixelType value = PixelType::kU32; };
template <> struct PixelTypeOf<float> { static constexpr PixelType value = PixelType::kF32; };
template <> struct PixelTypeOf<double> { static constexpr PixelType value = PixelType::kF64; };

template <class T> inline constexpr PixelType pixel_type_of = PixelTypeOf<T>::value;

// Calls f(std::type_identity<T>{}) with T the C++ type of `type`.
template <class F> decltype(auto) dispatch_pixel_type(PixelType type, F&& f) {
  switch (type) {
    case PixelType::kU8: return f(std::type_identity<std::uint8_t>{});
    case PixelType::kU16: return f(std::type_identity<std::uint16_t>{});
    case PixelType::kI16: return f(std::type_identity<std::int16_t>{});
    case PixelType::kU32: return f(std::type_identity<std::uint32_t>{});
    case PixelType::kF32: return f(std::type_identity<float>{});
    case PixelType::kF64: return f(std::type_identity<double>{});
  }
  throw Error("unsupported pixel type code " + std::to_string(static_cast<int>(type)));
}

}  // namespace calmon
