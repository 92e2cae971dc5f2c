// frame_message.h — a frame on the wire: [FrameHeader][raw pixels], checked on arrival.
//
// decode_frame looks only at one message — does the header parse, is the pixel part
// there and exactly as large as the header says, are the dimensions sane and the pixel
// type known — and answers with a view of the pixels in the ZeroMQ message itself (no
// copy) or with the reason for rejecting it. What depends on the session (a change of
// geometry, a sequence number going backwards) is the daemon's business.
#pragma once

#include <zmq.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "calmon/wire.pb.h"
#include "core/frame_view.h"

namespace calmon::net {

// Why a message was rejected; the names are the keys of Status.rejected.
enum class Rejection {
  kBadHeader,             // "bad_header": the first part is not a FrameHeader
  kMissingPixels,         // "missing_pixels": a frame without its pixel part
  kExtraParts,            // "extra_parts": more parts than the protocol has
  kSizeMismatch,          // "size_mismatch": pixel bytes != width * height * bytes per pixel
  kBadDimensions,         // "bad_dimensions": zero width or height
  kTooLarge,              // "too_large": more bytes than the configured limit
  kUnsupportedPixelType,  // "unsupported_pixel_type"
  kGeometryChanged,       // "geometry_changed": the session's frames have another size or type
  kSequenceBackwards,     // "sequence_backwards": a sequence number not above the last one
  kSequenceJump,          // "sequence_jump": a sequence number implausibly far above the last one
  kOtherChannel,          // "other_channel": a channel or plane this daemon does not analyse
};

std::string_view rejection_name(Rejection reason);

struct RejectedMessage {
  Rejection reason;
  std::string detail;           // one line for the log: what exactly was wrong
  std::uint64_t stream_id = 0;  // the header's, when it parsed
};

struct ReceivedFrame {
  pb::FrameHeader header;
  AnyFrameView pixels;  // into the pixel part; empty for end of stream
  // Holds a copy of the pixels only when the message's bytes are not aligned for the
  // pixel type (ZeroMQ stores messages under 33 bytes inside the message itself).
  std::vector<std::uint64_t> realigned;
};

using DecodedFrame = std::variant<ReceivedFrame, RejectedMessage>;

// Checks one multipart message. `parts` must outlive the returned view.
DecodedFrame decode_frame(std::span<const zmq::message_t> parts, std::size_t max_frame_bytes);

// Sends a frame (pixels moved into the message, not copied) or, with an empty
// `pixels`, an end-of-stream header alone. Returns false if the socket would block
// (with zmq::send_flags::dontwait) — never throws for that.
bool send_frame(zmq::socket_ref socket, const pb::FrameHeader& header, zmq::message_t pixels,
                zmq::send_flags flags = zmq::send_flags::none);

}  // namespace calmon::net
