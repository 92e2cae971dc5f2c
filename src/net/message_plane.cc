// message_plane.cc — one varint field found in protobuf's wire format; see the header.
#include "net/message_plane.h"

#include "net/topics.h"

namespace calmon::net {
namespace {

// wire.proto's field number of `plane` in the message of each topic.
std::optional<std::uint32_t> plane_field(std::string_view topic) {
  if (topic == kTracesTopic || topic == kRoisTopic) return 31;  // TraceUpdate, RoiSetInfo
  if (topic == kProjectionsTopic) return 5;                     // ProjectionSnapshot
  if (topic == kStatusTopic) return 34;                         // Status
  return std::nullopt;
}

bool read_varint(const unsigned char*& p, const unsigned char* end, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return false;
    const unsigned char byte = *p++;
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool skip(const unsigned char*& p, const unsigned char* end, std::uint64_t bytes) {
  if (bytes > static_cast<std::uint64_t>(end - p)) return false;
  p += bytes;
  return true;
}

}  // namespace

std::optional<std::uint32_t> message_plane(std::string_view topic, const void* data, std::size_t size) {
  const std::optional<std::uint32_t> field = plane_field(topic);
  if (!field) return std::nullopt;
  const auto* p = static_cast<const unsigned char*>(data);
  const unsigned char* const end = p + size;
  std::uint32_t plane = 0;  // absent: protobuf's default
  while (p != end) {
    std::uint64_t key = 0;
    std::uint64_t value = 0;
    if (!read_varint(p, end, key)) return std::nullopt;
    switch (key & 7) {
      case 0:  // varint
        if (!read_varint(p, end, value)) return std::nullopt;
        if ((key >> 3) == *field) plane = static_cast<std::uint32_t>(value);  // the last one counts
        break;
      case 1:  // 64 bits
        if (!skip(p, end, 8)) return std::nullopt;
        break;
      case 2:  // length-delimited: strings, messages, packed arrays
        if (!read_varint(p, end, value) || !skip(p, end, value)) return std::nullopt;
        break;
      case 5:  // 32 bits
        if (!skip(p, end, 4)) return std::nullopt;
        break;
      default: return std::nullopt;
    }
  }
  return plane;
}

std::string plane_qualified_name(std::uint32_t plane, std::string_view name) {
  return "p" + std::to_string(plane) + "/" + std::string(name);
}

}  // namespace calmon::net
