// frame_fuzzer.cc — libFuzzer harness: frame messages into calmond's session logic.
//
// The ingest socket hands calmond multipart messages from anyone who can connect. This
// harness reads its input as a stream of such messages and events and plays them into a
// fresh StreamAnalyzer (fuzz_session.h), the way calmond's pipeline loop does: every
// message is decoded (net/frame_message.h decode_frame), then admitted or rejected by
// the session gate and, if admitted, analysed and published. Any exception escaping the
// analyzer is a bug (calmond logs it as an internal error), so it is left to crash here.
//
// The input is a list of records, each starting with an op byte:
//   op % 4 == 0  a message as given: (op / 4) % 3 + 1 parts, each a 2-byte little-endian
//                length and that many bytes (the input's end may cut the last one short)
//   op % 4 == 1  a frame that fits its header: a 2-byte length and a FrameHeader; the
//                harness adds the pixel part the header asks for (width x height x bytes
//                per pixel, if at most kMaxFrameBytes), filled with a pattern from op —
//                so arbitrary headers reach the session logic as well-formed frames
//   op % 4 == 2  a timer: the status tick (op & 4) or the snapshot tick
//   op % 4 == 3  control by (op / 4) % 4: reset, subscribers with or without projections,
//                shutdown (after which calmond reads no more messages: the input ends)
// The seeds (tests/fuzz/corpus/frame, made by make_corpus.py) are sessions of valid
// frames with gaps, geometry changes, rejections and ends of stream.
#include <zmq.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "daemon/stream_analyzer.h"
#include "fuzz_session.h"
#include "net/frame_message.h"
#include "net/wire_pixel_type.h"

namespace {

using namespace calmon;

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return at_ == size_; }
  std::uint8_t byte() { return empty() ? 0 : data_[at_++]; }
  // A 2-byte length, then up to that many bytes.
  std::span<const std::uint8_t> chunk() {
    std::size_t length = byte();
    length |= std::size_t{byte()} << 8;
    length = std::min(length, size_ - at_);
    const std::span<const std::uint8_t> bytes(data_ + at_, length);
    at_ += length;
    return bytes;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// What decode_frame promises on its own: an accepted frame's pixels are the whole pixel part.
void check_decoding(std::span<const zmq::message_t> parts) {
  const net::DecodedFrame decoded = net::decode_frame(parts, fuzz::kMaxFrameBytes);
  const auto* frame = std::get_if<net::ReceivedFrame>(&decoded);
  if (frame == nullptr || frame->header.end_of_stream()) return;
  const AnyFrameView& pixels = frame->pixels;
  const std::size_t bytes = pixels.shape().pixel_count() * bytes_per_pixel(pixels.type());
  if (parts.size() != 2 || bytes != parts[1].size() || bytes > fuzz::kMaxFrameBytes) __builtin_trap();
  if (std::memcmp(pixels.data(), parts[1].data(), bytes) != 0) __builtin_trap();
}

// The FrameHeader's pixel part, sized as it asks, or an empty part if it asks for none
// or too much (then it is rejected like any other bad message).
zmq::message_t fitting_pixels(std::span<const std::uint8_t> head, std::uint8_t pattern) {
  pb::FrameHeader header;
  if (!header.ParseFromArray(head.data(), static_cast<int>(head.size()))) return zmq::message_t();
  const std::optional<PixelType> type = net::from_wire(header.pixel_type());
  const std::uint64_t bytes = std::uint64_t{header.width()} * header.height() * (type ? bytes_per_pixel(*type) : 1);
  if (bytes > fuzz::kMaxFrameBytes) return zmq::message_t();
  zmq::message_t pixels(static_cast<std::size_t>(bytes));
  auto* out = pixels.data<std::uint8_t>();
  for (std::size_t i = 0; i < pixels.size(); ++i) out[i] = static_cast<std::uint8_t>(pattern + i * 31 + (i >> 7));
  return pixels;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::SerializingPublisher publisher;
  const daemon::DaemonSettings settings = fuzz::session_settings();
  daemon::StreamAnalyzer analyzer(settings, publisher, fuzz::discard_log);
  Input input(data, size);
  std::uint64_t messages = 0;
  std::int64_t clock_ns = 1'000'000'000;
  std::vector<zmq::message_t> parts;
  while (!input.empty() && !analyzer.shutdown_requested()) {
    const std::uint8_t op = input.byte();
    parts.clear();
    switch (op % 4) {
      case 0: {
        const int count = (op / 4) % 3 + 1;
        for (int i = 0; i < count; ++i) {
          const std::span<const std::uint8_t> bytes = input.chunk();
          parts.emplace_back(bytes.data(), bytes.size());
        }
        check_decoding(parts);
        break;
      }
      case 1: {
        const std::span<const std::uint8_t> head = input.chunk();
        parts.emplace_back(head.data(), head.size());
        parts.push_back(fitting_pixels(head, op));
        break;
      }
      case 2:
        if (op & 4) {
          analyzer.on_status_tick();
        } else {
          analyzer.on_snapshot_tick();
        }
        continue;
      case 3:
        switch ((op / 4) % 4) {
          case 0: analyzer.reset(); break;
          case 1: analyzer.set_subscribers(2, true); break;
          case 2: analyzer.set_subscribers(1, false); break;
          case 3: analyzer.shutdown(); break;
        }
        continue;
    }
    ++messages;
    clock_ns += 1'000'000;
    analyzer.on_ingest_message(parts, clock_ns);
  }
  // The counters add up: every message was received, none counted twice.
  pb::Status status;
  analyzer.fill_status(status);
  std::uint64_t rejected = 0;
  for (const auto& [reason, count] : status.rejected()) rejected += count;
  if (status.frames_received() != messages || status.frames_processed() + rejected > messages) __builtin_trap();
  return 0;
}
