// piecewise_microbench.cc — calmon-microbench's piecewise-rigid registration figures
// (docs/benchmarks.md, docs/motion.md):
//   PiecewiseRegistration/rigid:0   time per 512x512 uint16 frame for the non-rigid step
//                                   alone, given the frame's rigid shift: the blocks'
//                                   registration (128 px, overlap 32: 5 x 5 blocks, default
//                                   rigid options), displacement() and warp_frame
//   PiecewiseRegistration/rigid:1   the same with the whole frame's RigidRegistration first:
//                                   a frame's whole non-rigid motion correction
// The frames are a smooth random texture bent by a smooth field of up to 2 px around a
// shift of (3, −2) px, so every block registers and none falls back.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/piecewise_registration.h"
#include "core/rigid_registration.h"
#include "core/warp_frame.h"

namespace {

constexpr calmon::FrameShape kShape{512, 512};
constexpr int kFrames = 4;

// Random values smoothed by a 3x3 box: texture down to a few pixels, as a real frame has.
std::vector<float> texture() {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> value(0.0f, 3000.0f);
  std::vector<float> raw(kShape.pixel_count()), smooth(kShape.pixel_count());
  for (float& v : raw) v = value(rng);
  for (int y = 0; y < kShape.height; ++y) {
    for (int x = 0; x < kShape.width; ++x) {
      float sum = 0.0f;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int sy = std::clamp(y + dy, 0, kShape.height - 1), sx = std::clamp(x + dx, 0, kShape.width - 1);
          sum += raw[static_cast<std::size_t>(sy) * kShape.width + sx];
        }
      }
      smooth[static_cast<std::size_t>(y) * kShape.width + x] = sum / 9.0f + 500.0f;
    }
  }
  return smooth;
}

// kFrames frames of the texture bent by smooth fields (NaN border filled with the mean).
std::vector<std::uint16_t> bent_frames(const std::vector<float>& reference) {
  std::vector<std::uint16_t> movie(kShape.pixel_count() * kFrames);
  std::vector<float> dy(kShape.pixel_count()), dx(kShape.pixel_count()), bent(kShape.pixel_count());
  for (int t = 0; t < kFrames; ++t) {
    for (int y = 0; y < kShape.height; ++y) {
      for (int x = 0; x < kShape.width; ++x) {
        const std::size_t p = static_cast<std::size_t>(y) * kShape.width + x;
        dy[p] = static_cast<float>(-3.0 + 2.0 * std::sin(0.006 * x + t) * std::cos(0.005 * y));
        dx[p] = static_cast<float>(2.0 + 2.0 * std::cos(0.007 * y - t) * std::sin(0.004 * x + 1.0));
      }
    }
    calmon::warp_frame(calmon::FrameView<float>(reference.data(), kShape), dy, dx, bent);
    for (std::size_t p = 0; p < bent.size(); ++p) {
      movie[kShape.pixel_count() * t + p] = static_cast<std::uint16_t>(std::isnan(bent[p]) ? 2000.0f : bent[p]);
    }
  }
  return movie;
}

void PiecewiseRegistration(benchmark::State& state) {
  const bool with_rigid = state.range(0) != 0;
  const std::vector<float> reference = texture();
  const std::vector<std::uint16_t> movie = bent_frames(reference);
  const calmon::FrameView<float> reference_view(reference.data(), kShape);
  calmon::RigidRegistration rigid(kShape, {}, reference_view);
  calmon::PiecewiseRegistration piecewise(kShape, {}, {}, reference_view);
  std::vector<calmon::RegistrationResult> shifts;  // each frame's rigid shift, for rigid:0
  for (int t = 0; t < kFrames; ++t) {
    shifts.push_back(
        rigid.register_frame(calmon::FrameView<std::uint16_t>(movie.data() + kShape.pixel_count() * t, kShape)));
  }
  std::vector<float> dy(kShape.pixel_count()), dx(kShape.pixel_count()), registered(kShape.pixel_count());
  int t = 0, fallbacks = 0;
  for (auto _ : state) {
    const int k = t++ % kFrames;
    const calmon::FrameView<std::uint16_t> frame(movie.data() + kShape.pixel_count() * k, kShape);
    const calmon::RegistrationResult shift =
        with_rigid ? rigid.register_frame(frame) : shifts[static_cast<std::size_t>(k)];
    for (const calmon::BlockShift& block : piecewise.register_frame(frame, shift.dy, shift.dx))
      fallbacks += block.fallback;
    piecewise.displacement(dy, dx);
    calmon::warp_frame(frame, dy, dx, registered);
    benchmark::DoNotOptimize(registered.data());
  }
  state.counters["fallbacks"] = benchmark::Counter(fallbacks, benchmark::Counter::kAvgIterations);
}
BENCHMARK(PiecewiseRegistration)->ArgName("rigid")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
