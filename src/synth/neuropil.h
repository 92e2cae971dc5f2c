// neuropil.h — the diffuse background: a smooth resting brightness and slow activity.
//
// Neuropil is the tangle of axons and dendrites between cell bodies. It glows
// everywhere, brighter in some places than others (a smooth map: vignetting of the
// objective times a few long-wavelength undulations), and its brightness follows the
// pooled activity of many neurons: slow, low-amplitude population events plus a slow
// oscillation. Its activity is one signal for the whole field, `activity(t)`, a relative
// change like ΔF/F: a neuropil pixel is `resting_photons(x, y) · (1 + activity(t))`.
// The same light reaches the cells' pixels too (see synthetic_movie.h for how much),
// which is why the notebook subtracts r · neuropil from a cell.
#pragma once

#include <cstdint>
#include <vector>

#include "core/frame_view.h"
#include "synth/calcium_trace.h"
#include "synth/random_stream.h"

namespace calmon::synth {

class Neuropil {
 public:
  // Draws its map and its events from `random`.
  Neuropil(FrameShape frame, double duration_s, RandomStream& random);

  // Resting brightness in photons per frame, row-major (numpy's [y, x]).
  const std::vector<double>& resting_photons() const { return resting_photons_; }
  // The same smooth map at any point, inside the frame or beyond it (a moving movie
  // looks past its edges); at integer points exactly resting_photons().
  double resting_photons_at(double x, double y) const;
  // Relative brightness change of the whole neuropil at `time_s`; >= 0.
  double activity(double time_s) const;
  // The population events alone (the part of activity() that is a calcium trace).
  const CalciumTrace& events() const { return events_; }

 private:
  struct TextureWave {
    double kx, ky, phase;
  };
  static constexpr int kTextureWaves = 3;
  struct RestingMap {
    TextureWave waves[kTextureWaves];
    double center_x, center_y, corner_squared;
  };
  static RestingMap draw_resting_map(FrameShape frame, RandomStream& random);
  std::vector<double> resting_photons_on_grid(FrameShape frame) const;

  // Drawn in this order (members are initialized in declaration order); the events come
  // last so that a longer movie only appends events and changes nothing else.
  RestingMap map_;
  std::vector<double> resting_photons_;
  double oscillation_amplitude_;
  double oscillation_period_s_;
  double oscillation_phase_;
  CalciumTrace events_;
};

}  // namespace calmon::synth
