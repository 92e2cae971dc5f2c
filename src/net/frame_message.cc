// frame_message.cc — decoding and sending [FrameHeader][pixels]; see the header.
#include "net/frame_message.h"

#include <cstdint>
#include <cstring>

#include "net/wire_pixel_type.h"

namespace calmon::net {

std::string_view rejection_name(Rejection reason) {
  switch (reason) {
    case Rejection::kBadHeader: return "bad_header";
    case Rejection::kMissingPixels: return "missing_pixels";
    case Rejection::kExtraParts: return "extra_parts";
    case Rejection::kSizeMismatch: return "size_mismatch";
    case Rejection::kBadDimensions: return "bad_dimensions";
    case Rejection::kTooLarge: return "too_large";
    case Rejection::kUnsupportedPixelType: return "unsupported_pixel_type";
    case Rejection::kGeometryChanged: return "geometry_changed";
    case Rejection::kSequenceBackwards: return "sequence_backwards";
    case Rejection::kSequenceJump: return "sequence_jump";
    case Rejection::kOtherChannel: return "other_channel";
  }
  return "unknown";
}

namespace {

// The checks after the header parsed.
DecodedFrame check_frame(ReceivedFrame frame, std::span<const zmq::message_t> parts, std::size_t max_frame_bytes) {
  const pb::FrameHeader& header = frame.header;
  if (header.end_of_stream()) {
    if (parts.size() > 1) {
      return RejectedMessage{Rejection::kExtraParts,
                             "end of stream with " + std::to_string(parts.size()) + " parts, expected 1"};
    }
    return frame;
  }
  if (parts.size() < 2) {
    return RejectedMessage{Rejection::kMissingPixels,
                           "frame " + std::to_string(header.sequence()) + " has no pixel part"};
  }
  if (parts.size() > 2) {
    return RejectedMessage{Rejection::kExtraParts, "frame " + std::to_string(header.sequence()) + " has " +
                                                       std::to_string(parts.size()) + " parts, expected 2"};
  }
  const std::optional<PixelType> type = from_wire(header.pixel_type());
  if (!type) {
    return RejectedMessage{
        Rejection::kUnsupportedPixelType,
        "frame " + std::to_string(header.sequence()) + " has pixel type " + std::to_string(header.pixel_type())};
  }
  if (header.width() == 0 || header.height() == 0) {
    return RejectedMessage{Rejection::kBadDimensions, "frame " + std::to_string(header.sequence()) + " is " +
                                                          std::to_string(header.width()) + "x" +
                                                          std::to_string(header.height())};
  }
  const std::uint64_t expected =
      std::uint64_t{header.width()} * std::uint64_t{header.height()} * bytes_per_pixel(*type);
  if (expected > max_frame_bytes || header.width() > (1u << 30) || header.height() > (1u << 30)) {
    return RejectedMessage{Rejection::kTooLarge, "frame " + std::to_string(header.sequence()) + " would be " +
                                                     std::to_string(expected) + " bytes, the limit is " +
                                                     std::to_string(max_frame_bytes)};
  }
  const zmq::message_t& pixels = parts[1];
  if (pixels.size() != expected) {
    return RejectedMessage{Rejection::kSizeMismatch,
                           "frame " + std::to_string(header.sequence()) + " has " + std::to_string(pixels.size()) +
                               " pixel bytes, " + std::to_string(header.width()) + "x" +
                               std::to_string(header.height()) + " " + std::string(pixel_type_name(*type)) + " needs " +
                               std::to_string(expected)};
  }
  const FrameShape shape{static_cast<int>(header.width()), static_cast<int>(header.height())};
  const void* data = pixels.data();
  if (reinterpret_cast<std::uintptr_t>(data) % bytes_per_pixel(*type) != 0) {
    frame.realigned.resize((pixels.size() + 7) / 8);
    std::memcpy(frame.realigned.data(), data, pixels.size());
    data = frame.realigned.data();
  }
  frame.pixels = AnyFrameView(*type, data, shape);
  return frame;
}

}  // namespace

DecodedFrame decode_frame(std::span<const zmq::message_t> parts, std::size_t max_frame_bytes) {
  ReceivedFrame frame;
  if (parts.empty() || !frame.header.ParseFromArray(parts[0].data(), static_cast<int>(parts[0].size()))) {
    return RejectedMessage{Rejection::kBadHeader, "the first part is not a FrameHeader"};
  }
  const std::uint64_t stream_id = frame.header.stream_id();
  DecodedFrame decoded = check_frame(std::move(frame), parts, max_frame_bytes);
  if (auto* rejected = std::get_if<RejectedMessage>(&decoded)) rejected->stream_id = stream_id;
  return decoded;
}

bool send_frame(zmq::socket_ref socket, const pb::FrameHeader& header, zmq::message_t pixels, zmq::send_flags flags) {
  zmq::message_t head(header.ByteSizeLong());
  header.SerializeToArray(head.data(), static_cast<int>(head.size()));
  if (header.end_of_stream()) return socket.send(head, flags).has_value();
  if (!socket.send(head, flags | zmq::send_flags::sndmore)) return false;
  // ZeroMQ queues a multipart message atomically: once the first part is accepted, the
  // rest never blocks.
  return socket.send(pixels, flags).has_value();
}

}  // namespace calmon::net
