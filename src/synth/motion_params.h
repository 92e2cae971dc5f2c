// motion_params.h — how much a synthetic movie's field of view moves, if at all.
//
// A real recording moves: the tissue settles after mounting (a slow drift), wanders
// (a bounded random walk) and shakes with breathing and heartbeat (a fast jitter). Each
// is given as an amplitude in pixels, the most it can move the image along either axis,
// so the whole motion stays within drift + walk + jitter pixels of the unmoved scene.
// The defaults, what `calmon-synth --motion` gives, are a few pixels as in an awake
// mouse; rigid_motion.h turns them into one shift per frame. Optionally the image also
// bends a little (warp_px, `calmon-synth --motion-warp`): nonrigid_warp.h adds a smooth
// displacement per pixel.
#pragma once

#include <cstdint>

#include "core/frame_view.h"

namespace calmon::synth {

struct MotionParams {
  bool on = false;         // off: the movie does not move and motion.npy is not written
  double drift_px = 2.0;   // slow settling in one direction
  double walk_px = 1.0;    // bound of a mean-reverting random walk
  double jitter_px = 1.0;  // bound of the breathing rhythm plus per-frame shake
  double warp_px = 0.0;    // bound of a smooth non-rigid warp on top (nonrigid_warp.h); 0 = rigid
  std::uint64_t seed = 0;  // another seed: another path, same cells and noise

  // The most the image can move along an axis: drift + walk + jitter.
  double max_shift_px() const { return drift_px + walk_px + jitter_px; }

  // Throws calmon::Error naming the bad amplitude: each must be finite and >= 0, and
  // together (the warp's included) at most a quarter of the frame's smaller side
  // (checked only when on).
  void validate(FrameShape frame) const;
};

}  // namespace calmon::synth
