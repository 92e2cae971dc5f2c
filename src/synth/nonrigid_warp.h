// nonrigid_warp.h — a smooth per-pixel displacement on top of a moving synthetic movie's
// rigid shift: the tissue does not move as one plate (calmon-synth --motion-warp PX).
//
// The warp of frame t at pixel (y, x) is the sum of kModes smooth modes, each a plane
// wave across the frame moving the image along a direction of its own with a slowly
// varying amplitude:
//   warp(t, y, x) = PX · Σ_m c_m · sin(2π ν_m s + ψ_m) · cos(2π (f_m·y/H + g_m·x/W) + φ_m) · (u_m, v_m)
// with s the frame's sample time, (f_m, g_m) a spatial frequency of 0.2–0.45 cycles per
// frame side in a drawn direction (a wavelength of at least twice the frame: a gentle
// bend, no ripple), ν_m 0.05–0.3 Hz (slower than the breathing jitter), (u_m, v_m) a
// unit vector, and weights c_m > 0 summing to 1, so |dy|, |dx| ≤ PX. Everything is drawn
// once from a stream keyed by (movie seed, warp, motion seed), so the cells, the noise and
// the rigid motion are those of the movie without the warp.
//
// Conventions (rigid_motion.h): the total registering field W(t, p) = rigid shift(t) +
// warp(t, p) is what, applied to frame t at output pixel p (out(p) = frame(p − W(p)),
// warp_frame's convention), gives the unmoved scene; truth/displacement.npy holds it.
// Rendering needs the inverse: frame pixel q shows the scene at the point p with
// p − W(t, p) = q, found by fixed-point iteration p ← q + W(t, p) (Frame::scene_point); it
// converges because the field's slope stays below 1 (PX is at most a quarter of the
// frame's smaller side, the wavelength at least twice the frame).
#pragma once

#include <array>
#include <cstdint>

#include "synth/movie_params.h"
#include "synth/rigid_motion.h"

namespace calmon::synth {

class NonrigidWarp {
 public:
  static constexpr int kModes = 3;
  static constexpr double kMinCyclesPerFrame = 0.2;
  static constexpr double kMaxCyclesPerFrame = 0.45;
  static constexpr double kMinHz = 0.05;
  static constexpr double kMaxHz = 0.3;

  // Off (warps() false, every warp zero) unless params.motion is on with warp_px > 0.
  explicit NonrigidWarp(const MovieParams& params);

  struct ScenePoint {
    double y = 0;
    double x = 0;
  };

  // One frame's warp, its modes' amplitudes computed once.
  class Frame {
   public:
    // The total registering field W at (y, x), subpixel positions too: the rigid shift
    // plus the warp.
    PixelShift field(double y, double x) const;
    // The point of the unmoved scene that frame pixel (qy, qx) shows: the p with
    // p − W(p) = q (q + rigid shift when the warp is off).
    ScenePoint scene_point(double qy, double qx) const;

   private:
    friend class NonrigidWarp;
    const NonrigidWarp* warp_ = nullptr;
    PixelShift rigid_;
    std::array<double, kModes> amplitudes_{};  // PX · c_m · sin(2π ν_m s + ψ_m)
  };

  bool warps() const { return amplitude_ > 0; }
  // Frame t, moved rigidly by `rigid` (rigid_motion.h) and warped on top.
  Frame frame(std::int64_t t, PixelShift rigid) const;

 private:
  struct Mode {
    double weight = 0;                         // c_m
    double hz = 0, phase = 0;                  // ν_m, ψ_m
    double fy = 0, fx = 0, spatial_phase = 0;  // cycles per pixel along y and x, φ_m
    double uy = 0, ux = 0;                     // direction of the displacement
  };
  PixelShift warp_with(const std::array<double, kModes>& amplitudes, double y, double x) const;

  MovieParams params_;
  double amplitude_ = 0;
  std::array<Mode, kModes> modes_{};
};

}  // namespace calmon::synth
