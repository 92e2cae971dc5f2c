// illumination_drift.cc — photobleaching times a slow wander (see illumination_drift.h).
#include "synth/illumination_drift.h"

#include "synth/portable_math.h"

namespace calmon::synth {
namespace {
constexpr double kTwoPi = 6.28318530717958647692;
}  // namespace

IlluminationDrift::IlluminationDrift(RandomStream& random) : wander_phase_(random.uniform(0.0, kTwoPi)) {}

double IlluminationDrift::factor(double time_s) const {
  const double bleaching = 1.0 - kBleachDepth * (1.0 - portable_exp(-time_s / kBleachTimeS));
  const double wander = 1.0 + kWanderAmplitude * portable_sin(kTwoPi * time_s / kWanderPeriodS + wander_phase_);
  return bleaching * wander;
}

}  // namespace calmon::synth
