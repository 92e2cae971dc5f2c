// nonrigid_warp.cc — the warp's modes drawn once, evaluated per pixel (see nonrigid_warp.h).
//
// Through portable_math and RandomStream like the rest of the synthetic movie, so the
// warp, like the frames, is the same bits on every machine.
#include "synth/nonrigid_warp.h"

#include <cmath>

#include "synth/portable_math.h"
#include "synth/random_stream.h"

namespace calmon::synth {
namespace {

constexpr double kTwoPi = 6.28318530717958647692;
constexpr double kHalfPi = 1.57079632679489661923;

// Continuing rigid_motion.cc's stream purposes (5–7).
constexpr std::uint64_t kWarpStream = 8;

// The fixed point p = q + W(p) is reached to within this (px), or after kMaxIterations.
constexpr double kConverged = 1e-9;
constexpr int kMaxIterations = 200;

double portable_cos(double x) { return portable_sin(x + kHalfPi); }

}  // namespace

NonrigidWarp::NonrigidWarp(const MovieParams& params) : params_(params) {
  if (!params.motion.on || !(params.motion.warp_px > 0)) return;
  amplitude_ = params.motion.warp_px;
  RandomStream random = RandomStream::for_stream(params.seed, kWarpStream, params.motion.seed);
  double total_weight = 0;
  for (Mode& mode : modes_) {
    mode.weight = random.uniform(0.5, 1.0);
    total_weight += mode.weight;
    mode.hz = random.uniform(kMinHz, kMaxHz);
    mode.phase = random.uniform(0.0, kTwoPi);
    const double cycles = random.uniform(kMinCyclesPerFrame, kMaxCyclesPerFrame);
    const double wave_direction = random.uniform(0.0, kTwoPi);
    mode.fy = cycles * portable_sin(wave_direction) / params.height;
    mode.fx = cycles * portable_cos(wave_direction) / params.width;
    mode.spatial_phase = random.uniform(0.0, kTwoPi);
    const double direction = random.uniform(0.0, kTwoPi);
    mode.uy = portable_sin(direction);
    mode.ux = portable_cos(direction);
  }
  for (Mode& mode : modes_) mode.weight /= total_weight;
}

NonrigidWarp::Frame NonrigidWarp::frame(std::int64_t t, PixelShift rigid) const {
  Frame frame;
  frame.warp_ = this;
  frame.rigid_ = rigid;
  if (!warps()) return frame;
  const double s = params_.frame_time_s(t);
  for (int m = 0; m < kModes; ++m) {
    const Mode& mode = modes_[static_cast<std::size_t>(m)];
    frame.amplitudes_[static_cast<std::size_t>(m)] =
        amplitude_ * mode.weight * portable_sin(kTwoPi * mode.hz * s + mode.phase);
  }
  return frame;
}

PixelShift NonrigidWarp::warp_with(const std::array<double, kModes>& amplitudes, double y, double x) const {
  PixelShift warp;
  for (int m = 0; m < kModes; ++m) {
    const Mode& mode = modes_[static_cast<std::size_t>(m)];
    const double wave = portable_cos(kTwoPi * (mode.fy * y + mode.fx * x) + mode.spatial_phase);
    const double value = amplitudes[static_cast<std::size_t>(m)] * wave;
    warp.dy += value * mode.uy;
    warp.dx += value * mode.ux;
  }
  return warp;
}

PixelShift NonrigidWarp::Frame::field(double y, double x) const {
  if (!warp_->warps()) return rigid_;
  const PixelShift warp = warp_->warp_with(amplitudes_, y, x);
  return {rigid_.dy + warp.dy, rigid_.dx + warp.dx};
}

NonrigidWarp::ScenePoint NonrigidWarp::Frame::scene_point(double qy, double qx) const {
  const double start_y = qy + rigid_.dy, start_x = qx + rigid_.dx;
  if (!warp_->warps()) return {start_y, start_x};
  double py = start_y, px = start_x;
  for (int i = 0; i < kMaxIterations; ++i) {
    const PixelShift warp = warp_->warp_with(amplitudes_, py, px);
    const double ny = start_y + warp.dy, nx = start_x + warp.dx;
    const bool done = std::abs(ny - py) <= kConverged && std::abs(nx - px) <= kConverged;
    py = ny;
    px = nx;
    if (done) break;
  }
  return {py, px};
}

}  // namespace calmon::synth
