// frame_set.h — a few distinct uint16 frames, generated once and cycled while sending.
//
// Sending never copies pixels: each message refers to the frame's bytes in place
// (a ZeroMQ message without a free function), so the sender's cost is ZeroMQ's alone.
#pragma once

#include <zmq.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace calmon::bench {

class FrameSet {
 public:
  static constexpr int kDistinctFrames = 8;

  FrameSet(int width, int height, unsigned seed);

  int width() const { return width_; }
  int height() const { return height_; }
  std::size_t frame_bytes() const { return pixels_per_frame_ * sizeof(std::uint16_t); }

  // The pixels of frame `index` (any index; frames repeat), as a message without a copy.
  zmq::message_t message(std::uint64_t index) const;

  // Writes all distinct frames, back to back, as raw little-endian uint16 (for the peer).
  void write_raw(const std::string& path) const;

 private:
  int width_, height_;
  std::size_t pixels_per_frame_;
  std::vector<std::uint16_t> pixels_;
};

}  // namespace calmon::bench
