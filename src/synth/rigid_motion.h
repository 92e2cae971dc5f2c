// rigid_motion.h — the true rigid shift of every frame of a moving synthetic movie.
//
// Frame t at pixel (x, y) shows the unmoved scene at (x + dx, y + dy): (dy, dx) is the
// shift that registers the frame back onto the scene, scipy.ndimage.shift(frame,
// (dy, dx)) ≈ scene, the value scikit-image's phase_cross_correlation(scene, frame)
// estimates. It is the sum of three parts, per axis each within its amplitude
// (motion_params.h):
//   drift   A·(1 − e^(−s/30 s)) along a random direction: the tissue settling;
//   walk    an Ornstein–Uhlenbeck walk (5 s correlation, standard deviation A/2)
//           reflected at ±A, sampled once a second and eased between those knots
//           with a half cosine: slow, smooth wandering that never runs away;
//   jitter  A·(0.7·sin(2π f s + ψ) along a random direction + 0.3·uniform(−1, 1) per
//           axis and frame): breathing at f = 1–3 Hz plus a shake of its own each frame.
// s is the frame's sample time. The walk and the shake are sequential, so the series is
// drawn once, in frame order, from streams of its own keyed by (movie seed, part,
// motion seed): a longer movie starts with the shifts of a shorter one, and the motion
// never changes the cells or the noise. It takes 16 bytes per frame.
#pragma once

#include <cstdint>
#include <vector>

#include "synth/movie_params.h"

namespace calmon::synth {

struct PixelShift {
  double dy = 0;
  double dx = 0;
};

class RigidMotion {
 public:
  static constexpr double kDriftSettleS = 30.0;
  static constexpr double kWalkCorrelationS = 5.0;
  static constexpr double kWalkStepS = 1.0;  // time between the walk's knots
  static constexpr double kBreathingMinHz = 1.0;
  static constexpr double kBreathingMaxHz = 3.0;
  static constexpr double kBreathingShare = 0.7;  // of the jitter; the rest is per-frame shake

  // The shifts of `params.frames` frames; all zero (and none stored) when motion is off.
  explicit RigidMotion(const MovieParams& params);

  bool moves() const { return !shifts_.empty(); }
  // The true shift of frame t (0 <= t < frames); (0, 0) when the movie does not move.
  PixelShift at(std::int64_t t) const;
  // The breathing frequency drawn for the jitter (0 when off).
  double breathing_hz() const { return breathing_hz_; }

 private:
  std::vector<PixelShift> shifts_;
  double breathing_hz_ = 0;
};

}  // namespace calmon::synth
