// frame_set.cc — noisy synthetic frames (uniform 100..4000, a calcium movie's range).
#include "frame_set.h"

#include <fstream>
#include <random>
#include <stdexcept>

namespace calmon::bench {

FrameSet::FrameSet(int width, int height, unsigned seed)
    : width_(width), height_(height), pixels_per_frame_(static_cast<std::size_t>(width) * height) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> value(100, 4000);
  pixels_.resize(pixels_per_frame_ * kDistinctFrames);
  for (auto& pixel : pixels_) pixel = static_cast<std::uint16_t>(value(rng));
}

zmq::message_t FrameSet::message(std::uint64_t index) const {
  const std::uint16_t* frame = pixels_.data() + (index % kDistinctFrames) * pixels_per_frame_;
  // No free function: ZeroMQ sends from the caller's buffer, which outlives every send.
  return zmq::message_t(const_cast<std::uint16_t*>(frame), frame_bytes(), nullptr, nullptr);
}

void FrameSet::write_raw(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(pixels_.data()),
            static_cast<std::streamsize>(pixels_.size() * sizeof(std::uint16_t)));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace calmon::bench
