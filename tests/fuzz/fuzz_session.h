// fuzz_session.h — calmond's session logic as the frame and control harnesses drive it.
//
// A StreamAnalyzer exactly as calmond runs it, minus the sockets: its analysis config
// has ROIs of every shape, neuropil and baseline kind, projections of every kind, kept
// frames and the correlation image, all fitting the small frames used here, so a
// fuzzed stream or control request reaches every part of a session. Published messages
// are serialized and dropped (SerializingPublisher), so building and encoding them is
// exercised too. Frames are capped at kMaxFrameBytes to keep each run cheap.
#pragma once

#include <google/protobuf/message_lite.h>
#include <zmq.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "calmon/wire.pb.h"
#include "config/config_file.h"
#include "daemon/daemon_settings.h"
#include "daemon/publisher.h"

namespace calmon::fuzz {

// The daemon's --max-frame-bytes for the harnesses: a 128x128 uint32 frame fits.
inline constexpr std::size_t kMaxFrameBytes = std::size_t{64} << 10;

// The frames of the harnesses' own streams: every configured ROI fits them.
inline constexpr std::uint32_t kWidth = 16;
inline constexpr std::uint32_t kHeight = 12;

// Encodes every message it is given, then forgets it.
class SerializingPublisher final : public daemon::Publisher {
 public:
  bool publish(std::string_view, const google::protobuf::MessageLite& message, Importance) override {
    bytes_.clear();
    if (!message.SerializeToString(&bytes_)) __builtin_trap();  // every published message must encode
    return true;
  }

 private:
  std::string bytes_;
};

inline void discard_log(const std::string&) {}

// Short windows, so that settled values appear within a few frames.
inline constexpr std::string_view kAnalysisJson = R"({
  "rois": [
    {"name": "pixel", "region": {"pixel": {"x": 1, "y": 1}}},
    {"name": "rect", "region": {"rect": {"xmin": 2, "xmax": 6, "ymin": 2, "ymax": 5}},
     "neuropil": {"ring": {"inner_gap": 1, "min_pixels": 10}}, "baseline": {"moving": {"window": 3}}},
    {"name": "mask", "region": {"mask": {"x": [8, 9, 9], "y": [7, 7, 8], "weight": [1, 0.5, 2]}},
     "neuropil": {"region": {"rect": {"xmin": 10, "xmax": 14, "ymin": 6, "ymax": 10}}, "r": 0.5},
     "baseline": {"maximin": {"window": 3, "sigma": 1.5}}},
    {"name": "cumulative", "region": {"rect": {"xmin": 0, "xmax": 3, "ymin": 8, "ymax": 11}},
     "baseline": {"cumulative": {"percentile": 10}}},
    {"name": "mean", "region": {"pixel": {"x": 15, "y": 11}}, "baseline": {"cumulative": {"mean": true}}}
  ],
  "neuropil": {"global": "MEDIAN", "r": 0.7},
  "baseline": {"moving": {"window": 2, "percentile": 20}},
  "projections": [
    {},
    {"name": "recent", "last": 3, "stats": ["MAX", "STD"]},
    {"range": {"begin": 1, "end": 4}, "crop": {"xmin": 1, "xmax": 9, "ymin": 2, "ymax": 8}, "stats": ["MEAN"]}
  ],
  "keep_frames": [0, 2, -1],
  "correlation_image": true
})";

inline daemon::DaemonSettings session_settings() {
  daemon::DaemonSettings settings;
  settings.analysis = config::parse_config(kAnalysisJson, "fuzz_session.h");
  settings.max_frame_bytes = kMaxFrameBytes;
  return settings;
}

// A valid frame of the harnesses' stream: kWidth x kHeight uint16, pixels from `seed`.
inline std::vector<zmq::message_t> frame_message(std::uint64_t sequence, std::uint32_t seed) {
  pb::FrameHeader header;
  header.set_sequence(sequence);
  header.set_width(kWidth);
  header.set_height(kHeight);
  header.set_pixel_type(pb::UINT16);
  std::vector<std::uint16_t> pixels(std::size_t{kWidth} * kHeight);
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    pixels[i] = static_cast<std::uint16_t>(100 + (i * 7 + seed * 13) % 97);
  }
  std::vector<zmq::message_t> parts;
  const std::string head = header.SerializeAsString();
  parts.emplace_back(head.data(), head.size());
  parts.emplace_back(pixels.data(), pixels.size() * sizeof(std::uint16_t));
  return parts;
}

inline std::vector<zmq::message_t> end_of_stream_message(std::uint64_t sequence) {
  pb::FrameHeader header;
  header.set_sequence(sequence);
  header.set_end_of_stream(true);
  std::vector<zmq::message_t> parts;
  const std::string head = header.SerializeAsString();
  parts.emplace_back(head.data(), head.size());
  return parts;
}

}  // namespace calmon::fuzz
