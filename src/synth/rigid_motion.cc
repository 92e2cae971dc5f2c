// rigid_motion.cc — drift, walk and jitter drawn frame by frame (see rigid_motion.h).
//
// Everything goes through portable_math and RandomStream, so the shifts, like the
// frames, are the same bits on every machine.
#include "synth/rigid_motion.h"

#include <cmath>
#include <cstddef>

#include "synth/portable_math.h"
#include "synth/random_stream.h"

namespace calmon::synth {
namespace {

constexpr double kTwoPi = 6.28318530717958647692;
constexpr double kHalfPi = 1.57079632679489661923;
constexpr double kPi = 3.14159265358979323846;

// Continuing synthetic_movie.cc's stream purposes (1–4), one stream per part, so that
// setting one amplitude to 0 leaves the other parts' paths as they were.
enum MotionStream : std::uint64_t {
  kDriftStream = 5,
  kWalkStream = 6,
  kJitterStream = 7,
};

double portable_cos(double x) { return portable_sin(x + kHalfPi); }

// Folds a value back into [-bound, bound] as a mirror at each end would.
double reflect_into(double value, double bound) {
  if (bound <= 0) return 0;
  while (value > bound || value < -bound) value = value > bound ? 2 * bound - value : -2 * bound - value;
  return value;
}

void add_drift(const MovieParams& params, std::vector<PixelShift>& shifts) {
  if (params.motion.drift_px == 0) return;
  RandomStream random = RandomStream::for_stream(params.seed, kDriftStream, params.motion.seed);
  const double direction = random.uniform(0.0, kTwoPi);
  const double dy = portable_sin(direction), dx = portable_cos(direction);
  for (std::size_t t = 0; t < shifts.size(); ++t) {
    const double s = params.frame_time_s(static_cast<std::int64_t>(t));
    const double settled = params.motion.drift_px * (1.0 - portable_exp(-s / RigidMotion::kDriftSettleS));
    shifts[t].dy += settled * dy;
    shifts[t].dx += settled * dx;
  }
}

// A mean-reverting (Ornstein–Uhlenbeck) walk sampled once a second, started in its
// steady state and reflected at ±bound, eased from knot to knot with a half cosine so
// that the path is smooth between them and never leaves the bound.
class WalkKnots {
 public:
  WalkKnots(double bound, RandomStream& random)
      : bound_(bound),
        sigma_(0.5 * bound),
        keep_(portable_exp(-RigidMotion::kWalkStepS / RigidMotion::kWalkCorrelationS)),
        step_(sigma_ * std::sqrt(1.0 - keep_ * keep_)),
        random_(random) {
    knots_.push_back(next(0.0, sigma_));
  }
  // The knot of second n, drawing the knots before it first.
  PixelShift at(std::size_t n) {
    while (knots_.size() <= n) knots_.push_back(next(keep_, step_));
    return knots_[n];
  }

 private:
  PixelShift next(double keep, double spread) {
    const PixelShift last = knots_.empty() ? PixelShift{} : knots_.back();
    const double dy = reflect_into(keep * last.dy + spread * random_.normal(), bound_);
    const double dx = reflect_into(keep * last.dx + spread * random_.normal(), bound_);
    return {dy, dx};
  }

  double bound_, sigma_, keep_, step_;
  RandomStream& random_;
  std::vector<PixelShift> knots_;
};

void add_walk(const MovieParams& params, std::vector<PixelShift>& shifts) {
  if (params.motion.walk_px == 0) return;
  RandomStream random = RandomStream::for_stream(params.seed, kWalkStream, params.motion.seed);
  WalkKnots knots(params.motion.walk_px, random);
  for (std::size_t t = 0; t < shifts.size(); ++t) {
    const double knot_time = params.frame_time_s(static_cast<std::int64_t>(t)) / RigidMotion::kWalkStepS;
    const double n = std::floor(knot_time);
    const double ease = 0.5 * (1.0 - portable_cos(kPi * (knot_time - n)));
    const PixelShift from = knots.at(static_cast<std::size_t>(n)), to = knots.at(static_cast<std::size_t>(n) + 1);
    shifts[t].dy += from.dy + (to.dy - from.dy) * ease;
    shifts[t].dx += from.dx + (to.dx - from.dx) * ease;
  }
}

double add_jitter(const MovieParams& params, std::vector<PixelShift>& shifts) {
  const double amplitude = params.motion.jitter_px;
  if (amplitude == 0) return 0;
  RandomStream random = RandomStream::for_stream(params.seed, kJitterStream, params.motion.seed);
  const double breathing_hz = random.uniform(RigidMotion::kBreathingMinHz, RigidMotion::kBreathingMaxHz);
  const double phase = random.uniform(0.0, kTwoPi);
  const double direction = random.uniform(0.0, kTwoPi);
  const double rhythm = amplitude * RigidMotion::kBreathingShare;
  const double shake = amplitude * (1.0 - RigidMotion::kBreathingShare);
  const double dy = portable_sin(direction), dx = portable_cos(direction);
  for (std::size_t t = 0; t < shifts.size(); ++t) {
    const double s = params.frame_time_s(static_cast<std::int64_t>(t));
    const double breath = rhythm * portable_sin(kTwoPi * breathing_hz * s + phase);
    shifts[t].dy += breath * dy + shake * random.uniform(-1.0, 1.0);
    shifts[t].dx += breath * dx + shake * random.uniform(-1.0, 1.0);
  }
  return breathing_hz;
}

}  // namespace

RigidMotion::RigidMotion(const MovieParams& params) {
  if (!params.motion.on) return;
  shifts_.resize(static_cast<std::size_t>(params.frames));
  add_drift(params, shifts_);
  add_walk(params, shifts_);
  breathing_hz_ = add_jitter(params, shifts_);
}

PixelShift RigidMotion::at(std::int64_t t) const {
  return shifts_.empty() ? PixelShift{} : shifts_[static_cast<std::size_t>(t)];
}

}  // namespace calmon::synth
