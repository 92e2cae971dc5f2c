// neuropil.cc — the neuropil's resting map and its activity (see neuropil.h).
#include "synth/neuropil.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "synth/portable_math.h"

namespace calmon::synth {
namespace {

constexpr double kTwoPi = 6.28318530717958647692;
constexpr double kHalfPi = 1.57079632679489661923;

// Resting brightness: ~280 photons/frame at the center, 18% darker in the corners
// (vignetting), ±12% smooth texture from three plane waves 25–60 px long.
constexpr double kRestingPhotons = 280.0;
constexpr double kVignetteDepth = 0.18;
constexpr double kTextureDepth = 0.12;

// Activity: population events at 0.3 Hz, each raising the neuropil by 6–20%, with a
// slow indicator-like kernel (0.4 s rise, 3 s decay), plus a 4% oscillation of 9–15 s.
constexpr double kEventRateHz = 0.3;
constexpr double kEventAmplitudeMin = 0.06;
constexpr double kEventAmplitudeMax = 0.20;
constexpr double kEventRiseS = 0.4;
constexpr double kEventDecayS = 3.0;
constexpr double kOscillationAmplitude = 0.04;

double portable_cos(double x) { return portable_sin(x + kHalfPi); }

CalciumTrace draw_events(double duration_s, RandomStream& random) {
  std::vector<CalciumEvent> events;
  const double mean_gap_s = 1.0 / kEventRateHz;
  // Start before 0 so the movie opens in a steady state, not with a silent neuropil.
  for (double t = -kEventDecayS * 5 + random.exponential(mean_gap_s); t < duration_s;
       t += random.exponential(mean_gap_s)) {
    events.push_back({t, random.uniform(kEventAmplitudeMin, kEventAmplitudeMax)});
  }
  return CalciumTrace(CalciumKernel(kEventRiseS, kEventDecayS), std::move(events));
}

}  // namespace

Neuropil::RestingMap Neuropil::draw_resting_map(FrameShape frame, RandomStream& random) {
  RestingMap map{};
  for (TextureWave& wave : map.waves) {
    const double wavelength = random.uniform(25.0, 60.0);
    const double direction = random.uniform(0.0, kTwoPi);
    wave = {kTwoPi / wavelength * portable_cos(direction), kTwoPi / wavelength * portable_sin(direction),
            random.uniform(0.0, kTwoPi)};
  }
  map.center_x = 0.5 * (frame.width - 1);
  map.center_y = 0.5 * (frame.height - 1);
  map.corner_squared = std::max(map.center_x * map.center_x + map.center_y * map.center_y, 1.0);
  return map;
}

double Neuropil::resting_photons_at(double x, double y) const {
  double texture = 0;
  for (const TextureWave& wave : map_.waves) texture += portable_cos(wave.kx * x + wave.ky * y + wave.phase);
  texture /= kTextureWaves;
  const double cx = map_.center_x, cy = map_.center_y;
  const double r_squared = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / map_.corner_squared;
  return kRestingPhotons * (1.0 - kVignetteDepth * r_squared) * (1.0 + kTextureDepth * texture);
}

std::vector<double> Neuropil::resting_photons_on_grid(FrameShape frame) const {
  std::vector<double> map(frame.pixel_count());
  for (int y = 0; y < frame.height; ++y) {
    for (int x = 0; x < frame.width; ++x) map[static_cast<std::size_t>(y) * frame.width + x] = resting_photons_at(x, y);
  }
  return map;
}

// The initializers run in declaration order (neuropil.h), which fixes the order of draws.
Neuropil::Neuropil(FrameShape frame, double duration_s, RandomStream& random)
    : map_(draw_resting_map(frame, random)),
      resting_photons_(resting_photons_on_grid(frame)),
      oscillation_amplitude_(kOscillationAmplitude),
      oscillation_period_s_(random.uniform(9.0, 15.0)),
      oscillation_phase_(random.uniform(0.0, kTwoPi)),
      events_(draw_events(duration_s, random)) {}

double Neuropil::activity(double time_s) const {
  const double oscillation =
      oscillation_amplitude_ * (1.0 + portable_sin(kTwoPi * time_s / oscillation_period_s_ + oscillation_phase_));
  return events_.value_at(time_s) + oscillation;
}

}  // namespace calmon::synth
