// movie_params.h — what a synthetic movie is asked to be: size, length, rate, seed, type.
//
// The defaults give the embedded demo movie: 2000 frames of 80×60 uint16 at 30 Hz, the
// shape of CaImAn's demoMovie.tif, laid out so the course notebook's coordinates land
// on cells and neuropil. The same parameters always give the same bytes.
#pragma once

#include <cstdint>

#include "core/frame_view.h"
#include "core/pixel_type.h"
#include "synth/motion_params.h"

namespace calmon::synth {

struct MovieParams {
  std::int64_t frames = 2000;
  int width = 80;
  int height = 60;
  double frame_rate_hz = 30.0;  // sets the kinetics: transients decay in 0.5–1 s
  std::uint64_t seed = 1;
  PixelType pixel_type = PixelType::kU16;
  MotionParams motion;      // off by default: the field of view stays put
  bool noise_free = false;  // frames are the detector's mean reading, without shot or read noise

  // Limits that keep the ground truth small and the label image within uint16.
  static constexpr std::int64_t kMaxFrames = 10'000'000;
  static constexpr int kMaxSide = 4096;
  static constexpr double kMaxFrameRateHz = 10'000.0;

  FrameShape shape() const { return {width, height}; }
  double duration_s() const { return static_cast<double>(frames) / frame_rate_hz; }
  // Frame t shows the sample at the middle of its exposure, (t + 0.5) / rate.
  double frame_time_s(std::int64_t t) const { return (static_cast<double>(t) + 0.5) / frame_rate_hz; }
  // The frame during whose exposure `time_s` falls.
  std::int64_t frame_of_time(double time_s) const;

  // Throws calmon::Error naming the first bad field (the motion's included).
  void validate() const;
};

}  // namespace calmon::synth
