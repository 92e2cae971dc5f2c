// message_plane.cc — one varint field found with protobuf's own wire-format reader; see the header.
#include "net/message_plane.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <climits>

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

}  // namespace

std::optional<std::uint32_t> message_plane(std::string_view topic, const void* data, std::size_t size) {
  using google::protobuf::internal::WireFormatLite;
  const std::optional<std::uint32_t> field = plane_field(topic);
  if (!field || size > static_cast<std::size_t>(INT_MAX)) return std::nullopt;
  google::protobuf::io::CodedInputStream in(static_cast<const std::uint8_t*>(data), static_cast<int>(size));
  std::uint32_t plane = 0;  // absent: protobuf's default
  // ReadTag gives 0 at the end and on a broken key; only the first is a whole message.
  for (std::uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == static_cast<int>(*field) &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT) {
      std::uint64_t value = 0;
      if (!in.ReadVarint64(&value)) return std::nullopt;
      plane = static_cast<std::uint32_t>(value);        // the last one counts
    } else if (!WireFormatLite::SkipField(&in, tag)) {  // strings, messages and arrays skipped over
      return std::nullopt;
    }
  }
  if (!in.ConsumedEntireMessage()) return std::nullopt;
  return plane;
}

std::string plane_qualified_name(std::uint32_t plane, std::string_view name) {
  return "p" + std::to_string(plane) + "/" + std::string(name);
}

}  // namespace calmon::net
