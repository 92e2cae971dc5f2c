// illumination_drift.h — slow changes of the whole field's brightness.
//
// Over a session everything dims: the indicator photobleaches (an exponential approach
// to a lower level) and the excitation and focus wander slowly (a gentle sinusoid).
// Both multiply every photon the sample emits, cells and neuropil alike, but not the
// camera's offset. Over the default 67 s movie the field loses ~24% and wobbles ±5%, so
// a baseline that follows the signal (a moving median) beats a constant one.
#pragma once

#include "synth/random_stream.h"

namespace calmon::synth {

class IlluminationDrift {
 public:
  static constexpr double kBleachDepth = 0.3;   // fraction lost after a long time
  static constexpr double kBleachTimeS = 40.0;  // time constant of the loss
  static constexpr double kWanderAmplitude = 0.05;
  static constexpr double kWanderPeriodS = 25.0;

  // Draws the wander's phase from `random`.
  explicit IlluminationDrift(RandomStream& random);

  // The factor on all emitted light at `time_s`; 1 at time 0 up to the wander.
  double factor(double time_s) const;

 private:
  double wander_phase_;
};

}  // namespace calmon::synth
