// synthetic_movie.h — a deterministic calcium-imaging movie with its ground truth.
//
// calmon's demo and tests need a movie whose answers are known. This one is built from
// the pieces of a two-photon recording:
//   cells       soft-edged ellipses (cell_layout.h) whose light is
//               resting_photons · weight · (1 + ΔF/F(t)), ΔF/F the cell's spikes
//               convolved with an indicator kernel (spike_train.h, calcium_trace.h);
//   neuropil    a smooth background with its own slow activity (neuropil.h) that also
//               shines through the cells: a pixel at a cell's center still gets
//               kNeuropilContamination (70%) of the local neuropil, fading to 100% outside
//               — so the notebook's `cell − 0.7 · neuropil` removes it;
//   drift       photobleaching and a slow wander multiplying all that light
//               (illumination_drift.h);
//   detector    shot noise, gain, offset, read noise, rounding and saturation
//               (detector.h);
//   motion      optionally, the field of view moves (rigid_motion.h): frame t shows the
//               scene — cells, neuropil, drift — at (x + dx, y + dy), evaluated there
//               exactly (every part of the scene is a function of position, so there is
//               no resampling and no edge: beyond the unmoved frame the neuropil goes on
//               and the movie's own cells show whatever of them lies there). The
//               detector noise does not move. With a warp (nonrigid_warp.h) each pixel
//               has a displacement of its own on top of the rigid shift, and sees the
//               scene at the point that displacement leads to, evaluated there exactly.
// All of it is fixed by MovieParams; frame t is computed on demand from its own random
// stream, so frames can be produced in any order, one at a time, and the movie never
// sits in memory. The same parameters give the same bytes on any machine
// (random_stream.h, portable_math.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/rect.h"
#include "synth/calcium_trace.h"
#include "synth/cell_shape.h"
#include "synth/detector.h"
#include "synth/illumination_drift.h"
#include "synth/movie_params.h"
#include "synth/neuropil.h"
#include "synth/nonrigid_warp.h"
#include "synth/rigid_motion.h"

namespace calmon::synth {

// One cell and its ground truth.
struct SimulatedCell {
  int id = 0;  // 1-based; its value in label_image()
  CellShape shape;
  Rect mask_bounds;                        // half-open box of its label-mask pixels
  double resting_photons = 0;              // light at full weight, at rest, before drift
  double spike_amplitude = 0;              // peak ΔF/F of one isolated spike
  CalciumTrace calcium;                    // true ΔF/F(t) = calcium.value_at(t)
  std::vector<std::int64_t> spike_frames;  // frame of each spike, ascending, repeats in bursts
  Rect footprint;                          // box holding all its nonzero weights
  std::vector<double> footprint_weights;   // row-major within `footprint`
};

class SyntheticMovie {
 public:
  // Fraction of the local neuropil light still seen at a cell's center.
  static constexpr double kNeuropilContamination = 0.7;

  // Validates `params` (calmon::Error) and draws the cells, neuropil and drift.
  explicit SyntheticMovie(const MovieParams& params = {});

  const MovieParams& params() const { return params_; }
  FrameShape shape() const { return params_.shape(); }
  std::int64_t frames() const { return params_.frames; }
  const Detector& detector() const { return detector_; }

  // ---- ground truth ----
  const std::vector<SimulatedCell>& cells() const { return cells_; }
  // True ΔF/F of cell `cell_index` (0-based, id − 1) in frame t.
  double true_dff(std::size_t cell_index, std::int64_t t) const;
  // Relative change of the neuropil's brightness in frame t (neuropil.h).
  double neuropil_activity(std::int64_t t) const;
  // The factor bleaching and wander put on all emitted light in frame t.
  double drift_factor(std::int64_t t) const;
  // The shift that registers frame t back onto the unmoved scene (rigid_motion.h);
  // (0, 0) for every frame of a movie without motion.
  PixelShift true_shift(std::int64_t t) const;
  const RigidMotion& motion() const { return motion_; }
  // The true registering field of frame t at every pixel p, row-major: out(p) =
  // frame(p − (dy, dx)) shows the unmoved scene. The rigid shift everywhere unless the
  // movie warps (params().motion.warp_px > 0), the rigid shift plus the warp if it does.
  void true_displacement(std::int64_t t, std::span<double> dy, std::span<double> dx) const;
  const NonrigidWarp& warp() const { return warp_; }
  // Row-major label image of the unmoved scene: 0 outside cells, the cell's id inside.
  std::vector<std::uint16_t> label_image() const;
  // Row-major weights of one cell over the whole frame.
  std::vector<double> weight_image(std::size_t cell_index) const;

  // ---- frames (t in 0..frames-1; pixels.size() == width·height; else calmon::Error) ----
  // Expected photons per pixel, before any noise.
  void expected_photons(std::int64_t t, std::span<double> photons) const;
  // Detector readings before rounding and saturation.
  void noisy_counts(std::int64_t t, std::span<double> counts) const;
  // Frame t as stored, T the C++ type of params().pixel_type.
  template <class T> void render(std::int64_t t, std::span<T> pixels) const;

 private:
  void check_frame_request(std::int64_t t, std::size_t size) const;
  void moved_expected_photons(std::int64_t t, std::span<double> photons) const;
  void warped_expected_photons(std::int64_t t, std::span<double> photons) const;

  MovieParams params_;
  Detector detector_;
  std::vector<SimulatedCell> cells_;
  Neuropil neuropil_;
  IlluminationDrift drift_;
  std::vector<double> neuropil_in_pixel_;  // resting neuropil photons after the cells' shading
  RigidMotion motion_;
  NonrigidWarp warp_;
};

}  // namespace calmon::synth
