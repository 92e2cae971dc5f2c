// frame_message_test.cc — a frame message decodes to a view of its own bytes, and every
// malformed message is rejected with its reason, never half-accepted. A 512x512 frame
// received over tcp:// or ipc:// is viewed in the received message's own buffer too.
#include "net/frame_message.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <zmq_addon.hpp>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "net/multipart.h"

namespace calmon::net {
namespace {

pb::FrameHeader header(std::uint32_t width, std::uint32_t height, pb::PixelType type, std::uint64_t sequence = 7) {
  pb::FrameHeader h;
  h.set_sequence(sequence);
  h.set_width(width);
  h.set_height(height);
  h.set_pixel_type(type);
  return h;
}

zmq::message_t serialized(const pb::FrameHeader& h) {
  const std::string bytes = h.SerializeAsString();
  return zmq::message_t(bytes.data(), bytes.size());
}

std::vector<zmq::message_t> message(const pb::FrameHeader& h, std::size_t pixel_bytes) {
  std::vector<zmq::message_t> parts;
  parts.push_back(serialized(h));
  parts.emplace_back(pixel_bytes);
  return parts;
}

Rejection rejection_of(const std::vector<zmq::message_t>& parts, std::size_t limit = 1 << 20) {
  const DecodedFrame decoded = decode_frame(parts, limit);
  EXPECT_TRUE(std::holds_alternative<RejectedMessage>(decoded));
  return std::holds_alternative<RejectedMessage>(decoded) ? std::get<RejectedMessage>(decoded).reason
                                                          : Rejection::kBadHeader;
}

TEST(FrameMessage, AFrameDecodesToAViewOfTheMessagesOwnPixels) {
  const auto parts = message(header(80, 60, pb::UINT16), 80 * 60 * 2);
  const DecodedFrame decoded = decode_frame(parts, 64 << 20);
  ASSERT_TRUE(std::holds_alternative<ReceivedFrame>(decoded));
  const ReceivedFrame& frame = std::get<ReceivedFrame>(decoded);
  EXPECT_EQ(frame.header.sequence(), 7u);
  EXPECT_EQ(frame.pixels.type(), PixelType::kU16);
  EXPECT_EQ(frame.pixels.shape(), (FrameShape{80, 60}));
  EXPECT_EQ(frame.pixels.data(), parts[1].data());  // zero copy
  EXPECT_TRUE(frame.realigned.empty());
}

TEST(FrameMessage, EndOfStreamIsAHeaderAlone) {
  pb::FrameHeader h;
  h.set_end_of_stream(true);
  std::vector<zmq::message_t> parts;
  parts.push_back(serialized(h));
  const DecodedFrame decoded = decode_frame(parts, 1024);
  ASSERT_TRUE(std::holds_alternative<ReceivedFrame>(decoded));
  EXPECT_TRUE(std::get<ReceivedFrame>(decoded).header.end_of_stream());
  parts.emplace_back(4);
  EXPECT_EQ(rejection_of(parts), Rejection::kExtraParts);
}

TEST(FrameMessage, EveryMalformedMessageIsRejectedWithItsReason) {
  std::vector<zmq::message_t> garbage;
  garbage.emplace_back(std::string_view("\xff\xff\xff not protobuf"));
  garbage.emplace_back(16);
  EXPECT_EQ(rejection_of(garbage), Rejection::kBadHeader);

  std::vector<zmq::message_t> alone;
  alone.push_back(serialized(header(4, 4, pb::UINT8)));
  EXPECT_EQ(rejection_of(alone), Rejection::kMissingPixels);

  auto extra = message(header(4, 4, pb::UINT8), 16);
  extra.emplace_back(3);
  EXPECT_EQ(rejection_of(extra), Rejection::kExtraParts);

  EXPECT_EQ(rejection_of(message(header(4, 4, pb::UINT16), 31)), Rejection::kSizeMismatch);
  EXPECT_EQ(rejection_of(message(header(0, 4, pb::UINT16), 0)), Rejection::kBadDimensions);
  EXPECT_EQ(rejection_of(message(header(4, 4, pb::PIXEL_TYPE_UNSPECIFIED), 16)), Rejection::kUnsupportedPixelType);
  EXPECT_EQ(rejection_of(message(header(4, 4, static_cast<pb::PixelType>(42)), 16)), Rejection::kUnsupportedPixelType);
  EXPECT_EQ(rejection_of(message(header(1024, 1024, pb::FLOAT64), 8), 1 << 20), Rejection::kTooLarge);
  EXPECT_EQ(rejection_of(message(header(1u << 31, 1u << 31, pb::UINT8), 8), 1 << 20), Rejection::kTooLarge);
}

TEST(FrameMessage, RejectionsHaveStableNamesForStatus) {
  EXPECT_EQ(rejection_name(Rejection::kBadHeader), "bad_header");
  EXPECT_EQ(rejection_name(Rejection::kSizeMismatch), "size_mismatch");
  EXPECT_EQ(rejection_name(Rejection::kSequenceBackwards), "sequence_backwards");
  EXPECT_EQ(rejection_name(Rejection::kSequenceJump), "sequence_jump");
}

TEST(FrameMessage, ARejectedMessageNamesItsStreamWhenItsHeaderParsed) {
  pb::FrameHeader h = header(4, 4, pb::UINT16);
  h.set_stream_id(77);
  const DecodedFrame wrong_size = decode_frame(message(h, 31), 1 << 20);
  ASSERT_TRUE(std::holds_alternative<RejectedMessage>(wrong_size));
  EXPECT_EQ(std::get<RejectedMessage>(wrong_size).stream_id, 77u);
  std::vector<zmq::message_t> garbage;
  garbage.emplace_back(std::string("\xff\xfe"));
  const DecodedFrame unparsed = decode_frame(garbage, 1 << 20);
  ASSERT_TRUE(std::holds_alternative<RejectedMessage>(unparsed));
  EXPECT_EQ(std::get<RejectedMessage>(unparsed).stream_id, 0u);
}

TEST(FrameMessage, SendFrameProducesWhatDecodeFrameAccepts) {
  zmq::context_t context;
  zmq::socket_t push(context, zmq::socket_type::push), pull(context, zmq::socket_type::pull);
  pull.bind("inproc://frames");
  push.connect("inproc://frames");
  std::vector<std::uint16_t> pixels(6 * 5);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint16_t>(i * 1000);
  ASSERT_TRUE(send_frame(push, header(6, 5, pb::UINT16, 42), zmq::message_t(pixels.data(), pixels.size() * 2)));
  std::vector<zmq::message_t> received;
  ASSERT_TRUE(zmq::recv_multipart(pull, std::back_inserter(received)));
  const DecodedFrame decoded = decode_frame(received, 1 << 20);
  ASSERT_TRUE(std::holds_alternative<ReceivedFrame>(decoded));
  const auto& frame = std::get<ReceivedFrame>(decoded);
  EXPECT_EQ(frame.header.sequence(), 42u);
  frame.pixels.visit([&](auto view) {
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 6; ++x)
        EXPECT_EQ(static_cast<double>(view.at(x, y)), pixels[static_cast<std::size_t>(y * 6 + x)]);
  });
}

// calmond's path (daemon/pipeline_loop.cc: receive_multipart into the ingest queue, then
// decode_frame) over both transports a same-host sender may use: the pixels are read
// where ZeroMQ received them, whichever transport carried them.
TEST(FrameMessage, AFrameReceivedOverTcpOrIpcIsViewedWhereZeroMqPutIt) {
  char folder[] = "/tmp/calmon-frame-ipc-XXXXXX";
  ASSERT_NE(mkdtemp(folder), nullptr);
  for (const std::string& endpoint : {std::string("tcp://127.0.0.1:*"), "ipc://" + std::string(folder) + "/ingest"}) {
    SCOPED_TRACE(endpoint);
    zmq::context_t context;
    zmq::socket_t push(context, zmq::socket_type::push), pull(context, zmq::socket_type::pull);
    pull.bind(endpoint);
    push.connect(pull.get(zmq::sockopt::last_endpoint));
    std::vector<std::uint16_t> pixels(512 * 512);
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint16_t>(i * 7919);
    ASSERT_TRUE(send_frame(push, header(512, 512, pb::UINT16, 3), zmq::message_t(pixels.data(), pixels.size() * 2)));
    std::vector<zmq::message_t> received;
    ASSERT_TRUE(receive_multipart(pull, received, zmq::recv_flags::none));
    const DecodedFrame decoded = decode_frame(received, 64 << 20);
    ASSERT_TRUE(std::holds_alternative<ReceivedFrame>(decoded));
    const auto& frame = std::get<ReceivedFrame>(decoded);
    EXPECT_EQ(frame.pixels.data(), received[1].data());  // zero copy
    EXPECT_TRUE(frame.realigned.empty());
    EXPECT_EQ(std::memcmp(frame.pixels.data(), pixels.data(), pixels.size() * 2), 0);
  }
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace calmon::net
