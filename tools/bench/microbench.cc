// microbench.cc — calmon-microbench: the hot loops of the core, one at a time.
//
// Google Benchmark, built by the default build, never run by ctest (speed is measured,
// not asserted). Each figure is reported per unit of work so sizes compare:
//   MovingQuantile/w      ns per sample (items) — next to NaiveQuantile/w, the same
//                         answer from a sorted copy of the window (nth_element)
//   ProjectionUpdate/side GB/s of uint16 frame data through mean, max, min and std
//   ProjectionKernel/...  the same through one integer kernel (baseline or AVX2), per stat set
//   ProjectionPixelType/type  mean, max, min and std on 512x512 frames of each pixel type
//   RoiExtraction/n       ns per ROI pixel, n rectangular 12x12 ROIs on 512x512 uint16
//   NeuropilRings/n       time to build the automatic rings (defaults: gap 2, >= 350 pixels)
//                         of n 12x12 ROIs on 512x512, through one RoiOccupancy, per ring
//   LocalCorrelation/side GB/s of uint16 frame data into the local-correlation sums
//   GlobalStats/side      GB/s of uint16 frame data through the frame's mean, median, min
//   RigidRegistration/f   time per 512x512 uint16 frame registered onto a reference
//                         (RigidRegistration, default options, upsample factor f: 1 =
//                         integer shifts only) and shifted by the result (shift_frame)
//   MovingBaselines/n     ns per sample (items), n moving-median baselines (w = 501) each
//                         fed one sample per iteration in turn, prefetching two ahead, as
//                         Pipeline::extract does per frame: the per-ROI state is far from
//                         the core's caches once n is large (MovingQuantile/w keeps one
//                         structure hot)
//   PipelineFrame/n       time per 512x512 uint16 frame through the whole Pipeline::push:
//                         calmon-bench's analysis (n 12x12 ROIs, neuropil rings, r = 0.7,
//                         moving median w = 501, mean/max/min/std, no global traces)
//   RegionSums/n/way      time per 512x512 uint16 frame for the means of PipelineFrame's n
//                         ROIs and their rings: way 0 one RegionMean per region (the
//                         pipeline's former extraction), 1 RegionSums as the cost model
//                         chooses, 2 forced spans, 3 forced row prefix sums
//   PipelineStateBytes/k  not a speed: the heap bytes per ROI (bytes_per_roi) a pipeline
//                         of 1000 ROIs holds once its windows are full, baseline kind k
// Run: build/bin/calmon-microbench [--benchmark_filter=REGEX] (docs/benchmarks.md).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

#include "core/baseline.h"
#include "core/global_stats.h"
#include "core/local_correlation.h"
#include "core/moving_quantile.h"
#include "core/neuropil_ring.h"
#include "core/pipeline.h"
#include "core/projection_set.h"
#include "core/region_mean.h"
#include "core/region_sums.h"
#include "core/rigid_registration.h"
#include "core/shift_frame.h"
#include "daemon/roi_work_thread.h"
#include "roi_layout.h"

namespace {

std::vector<double> noisy_trace(std::size_t n) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> noise(500.0, 20.0);
  std::vector<double> x(n);
  for (double& v : x) v = noise(rng);
  return x;
}

std::vector<std::uint16_t> noisy_frames(int side, int frames) {
  std::mt19937_64 rng(2);
  std::uniform_int_distribution<int> value(100, 4000);
  std::vector<std::uint16_t> pixels(static_cast<std::size_t>(side) * side * frames);
  for (auto& p : pixels) p = static_cast<std::uint16_t>(value(rng));
  return pixels;
}

void MovingQuantile(benchmark::State& state) {
  const auto window = state.range(0);
  const std::vector<double> x = noisy_trace(1 << 16);
  calmon::MovingQuantile quantile(window, calmon::QuantileSpec::median());
  std::size_t i = 0;
  for (auto _ : state) {
    quantile.push(x[i++ & 0xffff]);
    benchmark::DoNotOptimize(quantile.quantile());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(MovingQuantile)->Arg(11)->Arg(201)->Arg(501)->Arg(1001)->Arg(3001);

// A synthetic ROI trace, one sample at a time and different per ROI: a slow
// mean-reverting drift, calcium-like transients (a jump, then exponential decay) and
// noise. Cheap enough (~7 ns a sample, measured alone) not to hide the cost of the
// baseline itself.
class SyntheticTrace {
 public:
  explicit SyntheticTrace(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {
    level_ = 200.0 + 800.0 * uniform();
    drift_ = 0.0;
  }
  double next() {
    drift_ = 0.999 * drift_ + 0.5 * (uniform() - 0.5);
    transient_ *= 0.93;
    if (uniform() < 0.004) transient_ += level_ * (0.5 + 1.5 * uniform());
    const double noise = (uniform() + uniform() + uniform() + uniform() - 2.0) * 0.03 * level_;
    return level_ + drift_ + transient_ + noise;
  }

 private:
  double uniform() {  // xorshift64*, [0, 1)
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return static_cast<double>((state_ * 0x2545F4914F6CDD1Dull) >> 11) * 0x1.0p-53;
  }
  std::uint64_t state_;
  double level_;
  double drift_;
  double transient_ = 0.0;
};

// n baselines as calmond holds them for n ROIs (make_baseline, one push each per frame,
// in turn, Baseline::prefetch for the one two ahead), warmed up past the window so every
// median runs over a full window.
void MovingBaselines(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  calmon::BaselineSettings settings;  // moving median, w = 501
  std::vector<std::unique_ptr<calmon::Baseline>> baselines;
  std::vector<SyntheticTrace> traces;
  for (std::size_t i = 0; i < n; ++i) {
    baselines.push_back(calmon::make_baseline(settings));
    traces.emplace_back(i);
  }
  std::vector<calmon::SettledSample> settled;
  const auto push_all = [&] {
    for (std::size_t i = 0; i < n; ++i) {
      settled.clear();
      if (i + 2 < n) baselines[i + 2]->prefetch();
      benchmark::DoNotOptimize(baselines[i]->push(traces[i].next(), settled));
    }
  };
  for (std::int64_t t = 0; t < 2 * settings.window; ++t) push_all();
  for (auto _ : state) push_all();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(MovingBaselines)->Arg(100)->Arg(1000)->Arg(10000);

// What one would write without an incremental structure: copy the window, select.
void NaiveQuantile(benchmark::State& state) {
  const auto window = static_cast<std::size_t>(state.range(0));
  const std::vector<double> x = noisy_trace(1 << 16);
  std::vector<double> ring(window, x[0]), scratch(window);
  std::size_t i = 0;
  for (auto _ : state) {
    ring[i % window] = x[i & 0xffff];
    ++i;
    scratch = ring;
    std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(window / 2), scratch.end());
    benchmark::DoNotOptimize(scratch[window / 2]);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(NaiveQuantile)->Arg(11)->Arg(201)->Arg(501)->Arg(1001)->Arg(3001);

void ProjectionUpdate(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const int frames = side > 1024 ? 4 : 16;
  const std::vector<std::uint16_t> movie = noisy_frames(side, frames);
  const calmon::FrameShape shape{side, side};
  calmon::ProjectionSet projections(shape, calmon::PixelType::kU16, {calmon::ProjectionSpec{.name = "all"}}, {});
  int t = 0;
  for (auto _ : state) {
    projections.push(calmon::FrameView<std::uint16_t>(movie.data() + shape.pixel_count() * (t++ % frames), shape));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(shape.pixel_count() * 2));
}
BENCHMARK(ProjectionUpdate)->Arg(512)->Arg(2048)->Unit(benchmark::kMicrosecond);

// One projection over side x side uint16 frames (values 100..4000) through one integer
// kernel: isa 0 = baseline x86-64, 1 = AVX2; stats 0 = mean+max+min+std, 1 = mean,
// 2 = max+min. side 128 keeps the accumulators in L2, 512 does not.
void ProjectionKernel(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const bool avx2 = state.range(1) == 1;
  if (avx2 && !calmon::projection_kernels_have_avx2()) {
    state.SkipWithError("no AVX2");
    return;
  }
  const std::vector<std::vector<calmon::ProjectionStat>> stat_sets = {
      {}, {calmon::ProjectionStat::kMean}, {calmon::ProjectionStat::kMax, calmon::ProjectionStat::kMin}};
  const int frames = 16;
  const std::vector<std::uint16_t> movie = noisy_frames(side, frames);
  const calmon::FrameShape shape{side, side};
  calmon::ProjectionKernels kernels;
  kernels.isa = avx2 ? calmon::ProjectionKernels::Isa::kAvx2 : calmon::ProjectionKernels::Isa::kBaseline;
  calmon::ProjectionSet projections(
      shape, calmon::PixelType::kU16,
      {calmon::ProjectionSpec{.name = "p", .stats = stat_sets[static_cast<std::size_t>(state.range(2))]}}, {}, kernels);
  int t = 0;
  for (auto _ : state) {
    projections.push(calmon::FrameView<std::uint16_t>(movie.data() + shape.pixel_count() * (t++ % frames), shape));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(shape.pixel_count() * 2));
}
BENCHMARK(ProjectionKernel)
    ->ArgsProduct({{128, 512}, {0, 1}, {0, 1, 2}})
    ->ArgNames({"side", "isa", "stats"})
    ->Unit(benchmark::kMicrosecond);

// mean+max+min+std over 512x512 frames of each pixel type: type 0 = uint8 (0..255),
// 1 = uint16 (100..4000), 2 = int16 (-2000..2000), 3 = uint32 (100..4000), 4 = float32.
template <class T> std::vector<T> typed_frames(int side, int frames, double low, double high) {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> value(low, high);
  std::vector<T> pixels(static_cast<std::size_t>(side) * side * frames);
  for (auto& p : pixels) p = static_cast<T>(value(rng));
  return pixels;
}
void ProjectionPixelType(benchmark::State& state) {
  const calmon::FrameShape shape{512, 512};
  const int frames = 16;
  const auto run = [&](auto tag, double low, double high) {
    using T = typename decltype(tag)::type;
    const std::vector<T> movie = typed_frames<T>(shape.width, frames, low, high);
    calmon::ProjectionSet projections(shape, calmon::pixel_type_of<T>, {calmon::ProjectionSpec{.name = "all"}}, {});
    int t = 0;
    for (auto _ : state) {
      projections.push(calmon::FrameView<T>(movie.data() + shape.pixel_count() * (t++ % frames), shape));
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(shape.pixel_count() * sizeof(T)));
  };
  switch (state.range(0)) {
    case 0: run(std::type_identity<std::uint8_t>{}, 0.0, 255.0); break;
    case 1: run(std::type_identity<std::uint16_t>{}, 100.0, 4000.0); break;
    case 2: run(std::type_identity<std::int16_t>{}, -2000.0, 2000.0); break;
    case 3: run(std::type_identity<std::uint32_t>{}, 100.0, 4000.0); break;
    default: run(std::type_identity<float>{}, 100.0, 4000.0); break;
  }
}
BENCHMARK(ProjectionPixelType)->DenseRange(0, 4)->ArgName("type")->Unit(benchmark::kMicrosecond);

void LocalCorrelation(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const std::vector<std::uint16_t> movie = noisy_frames(side, 4);
  const calmon::FrameShape shape{side, side};
  calmon::LocalCorrelation correlation(shape);
  int t = 0;
  for (auto _ : state) {
    correlation.push(calmon::FrameView<std::uint16_t>(movie.data() + shape.pixel_count() * (t++ % 4), shape));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(shape.pixel_count() * 2));
}
BENCHMARK(LocalCorrelation)->Arg(512)->Unit(benchmark::kMicrosecond);

void GlobalStats(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const std::vector<std::uint16_t> movie = noisy_frames(side, 4);
  const calmon::FrameShape shape{side, side};
  calmon::GlobalFrameStats stats;
  int t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        stats(calmon::FrameView<std::uint16_t>(movie.data() + shape.pixel_count() * (t++ % 4), shape)));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(shape.pixel_count() * 2));
}
BENCHMARK(GlobalStats)->Arg(512)->Unit(benchmark::kMicrosecond);

// The frames are the reference rolled by a few pixels (a subpixel grid search runs all the
// same): the cost does not depend on the content.
void RigidRegistration(benchmark::State& state) {
  const calmon::FrameShape shape{512, 512};
  const std::vector<std::uint16_t> reference = noisy_frames(shape.width, 1);
  constexpr int kFrames = 4;
  std::vector<std::uint16_t> movie(shape.pixel_count() * kFrames);
  for (int t = 0; t < kFrames; ++t) {
    for (int y = 0; y < shape.height; ++y) {
      for (int x = 0; x < shape.width; ++x) {
        const int from = ((y + 3 * t) % shape.height) * shape.width + (x + 512 - 2 * t) % shape.width;
        movie[shape.pixel_count() * t + static_cast<std::size_t>(y) * shape.width + x] = reference[from];
      }
    }
  }
  calmon::RigidRegistrationOptions options;
  options.upsample_factor = static_cast<int>(state.range(0));
  calmon::RigidRegistration registration(shape, options, calmon::FrameView<std::uint16_t>(reference.data(), shape));
  std::vector<float> registered(shape.pixel_count());
  int t = 0;
  for (auto _ : state) {
    const calmon::FrameView<std::uint16_t> frame(movie.data() + shape.pixel_count() * (t++ % kFrames), shape);
    const calmon::RegistrationResult result = registration.register_frame(frame);
    calmon::shift_frame(frame, result.dy, result.dx, registered);
    benchmark::DoNotOptimize(registered.data());
  }
}
BENCHMARK(RigidRegistration)->Arg(1)->Arg(10)->Unit(benchmark::kMicrosecond);

void RoiExtraction(benchmark::State& state) {
  const int rois = static_cast<int>(state.range(0));
  const calmon::FrameShape shape{512, 512};
  const std::vector<std::uint16_t> frame = noisy_frames(512, 1);
  std::vector<calmon::RegionMean> means;
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> corner(0, 512 - 12);
  for (int i = 0; i < rois; ++i) {
    const int x = corner(rng), y = corner(rng);
    means.emplace_back(calmon::Region::rect({x, x + 12, y, y + 12}), shape);
  }
  const calmon::FrameView<std::uint16_t> view(frame.data(), shape);
  for (auto _ : state) {
    double sum = 0.0;
    for (const auto& mean : means) sum += mean(view);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * rois * 144);
}
BENCHMARK(RoiExtraction)->Arg(100)->Arg(1000)->Arg(10000);

void NeuropilRings(benchmark::State& state) {
  const int rois = static_cast<int>(state.range(0));
  const calmon::FrameShape shape{512, 512};
  std::vector<calmon::Region> regions;
  std::mt19937_64 rng(4);
  std::uniform_int_distribution<int> corner(0, 512 - 12);
  for (int i = 0; i < rois; ++i) {
    const int x = corner(rng), y = corner(rng);
    regions.push_back(calmon::Region::rect({x, x + 12, y, y + 12}));
  }
  for (auto _ : state) {
    const calmon::RoiOccupancy occupancy(regions, shape);
    std::size_t pixels = 0;
    for (const calmon::Region& roi : regions) {
      pixels += calmon::neuropil_ring(roi, occupancy, shape, calmon::RingParams{}).pixel_count();
    }
    benchmark::DoNotOptimize(pixels);
  }
  state.SetItemsProcessed(state.iterations() * rois);
}
BENCHMARK(NeuropilRings)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// The pipeline calmon-bench drives in calmond, without the sockets; warmed up past the
// baseline window first so every ROI's median runs over a full window. PipelineFrameF32
// gives it float32 frames, as motion correction does (registered frames are float32).
// What other tenants do to the caches between two frames of a paced session: 64 MiB
// written, more than this machine's last-level cache.
void evict_caches() {
  static std::vector<std::uint64_t> other(std::size_t{8} << 20);
  for (std::size_t i = 0; i < other.size(); i += 8) other[i] += i;
  benchmark::DoNotOptimize(other.data());
}

// calmon-bench's ROIs on 512x512 frames, without global traces: n 12x12 rectangles with
// neuropil rings (r = 0.7) or, without rings, the rectangles' corner pixels alone (so
// that only each ROI's own state counts), every one with `baseline`.
calmon::PipelineSettings bench_settings(int rois, const calmon::BaselineSettings& baseline, bool rings) {
  calmon::PipelineSettings settings;
  settings.global_traces = false;
  for (const calmon::bench::RoiRect& rect : calmon::bench::random_roi_layout(rois, 512, 512, 1)) {
    calmon::RoiSettings roi;
    roi.name = "roi" + std::to_string(settings.rois.size());
    roi.baseline = baseline;
    if (rings) {
      roi.region = calmon::Region::rect(
          {rect.xmin, rect.xmin + calmon::bench::kRoiSide, rect.ymin, rect.ymin + calmon::bench::kRoiSide});
      roi.neuropil.source = calmon::NeuropilSettings::Source::kRing;
      roi.neuropil.r = 0.7;
    } else {
      roi.region = calmon::Region::pixel(rect.xmin, rect.ymin);
    }
    settings.rois.push_back(std::move(roi));
  }
  return settings;
}

void pipeline_frame(benchmark::State& state, bool f32, bool shared = false, bool cold = false) {
  const int rois = static_cast<int>(state.range(0));
  const calmon::FrameShape shape{512, 512};
  constexpr int kFrames = 8;
  const std::vector<std::uint16_t> movie = noisy_frames(512, kFrames);
  const std::vector<float> movie_f32(movie.begin(), movie.end());
  calmon::PipelineSettings settings = bench_settings(rois, calmon::BaselineSettings{}, true);
  settings.projections.push_back(calmon::ProjectionSpec{.name = "all"});
  calmon::Pipeline pipeline(settings, shape, f32 ? calmon::PixelType::kF32 : calmon::PixelType::kU16);
  calmon::daemon::RoiWorkThread second_thread;
  if (shared) pipeline.share_work(&second_thread);
  calmon::SettledRow row;
  int t = 0;
  const auto push_one = [&] {
    const std::size_t first = shape.pixel_count() * (t++ % kFrames);
    const calmon::AnyFrameView frame =
        f32 ? calmon::AnyFrameView(calmon::FrameView<float>(movie_f32.data() + first, shape))
            : calmon::AnyFrameView(calmon::FrameView<std::uint16_t>(movie.data() + first, shape));
    benchmark::DoNotOptimize(pipeline.push(frame).dff.data());
    while (pipeline.pop_settled(row)) {
    }
  };
  for (int i = 0; i < 600; ++i) push_one();
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      evict_caches();
      state.ResumeTiming();
    }
    push_one();
  }
  state.SetItemsProcessed(state.iterations());
}
void PipelineFrame(benchmark::State& state) { pipeline_frame(state, false); }
void PipelineFrameF32(benchmark::State& state) { pipeline_frame(state, true); }
// The same frames with the ROI work shared with a second thread (calmond's default).
void PipelineFrameShared(benchmark::State& state) { pipeline_frame(state, false, true); }
// Cold: the caches emptied before every frame, as between the frames of a paced session.
void PipelineFrameCold(benchmark::State& state) { pipeline_frame(state, false, false, true); }
void PipelineFrameColdShared(benchmark::State& state) { pipeline_frame(state, false, true, true); }
BENCHMARK(PipelineFrame)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(PipelineFrameF32)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(PipelineFrameShared)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(PipelineFrameCold)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(PipelineFrameColdShared)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// PipelineFrame's n ROIs followed by their rings; built once per n (rings for 10000
// overlapping ROIs take a while).
const std::vector<calmon::Region>& rois_and_rings(int rois) {
  static std::map<int, std::vector<calmon::Region>> cache;
  std::vector<calmon::Region>& regions = cache[rois];
  if (!regions.empty()) return regions;
  const calmon::FrameShape shape{512, 512};
  for (const calmon::bench::RoiRect& rect : calmon::bench::random_roi_layout(rois, 512, 512, 1)) {
    regions.push_back(calmon::Region::rect(
        {rect.xmin, rect.xmin + calmon::bench::kRoiSide, rect.ymin, rect.ymin + calmon::bench::kRoiSide}));
  }
  const calmon::RoiOccupancy occupancy(regions, shape);
  for (int i = 0; i < rois; ++i) regions.push_back(calmon::neuropil_ring(regions[i], occupancy, shape, {}));
  return regions;
}

void RegionSums(benchmark::State& state) {
  using Strategy = calmon::RegionSums::Strategy;
  const int rois = static_cast<int>(state.range(0));
  const int way = static_cast<int>(state.range(1));
  const calmon::FrameShape shape{512, 512};
  constexpr int kFrames = 8;
  const std::vector<std::uint16_t> movie = noisy_frames(512, kFrames);
  const std::vector<calmon::Region>& regions = rois_and_rings(rois);
  std::vector<const calmon::Region*> pointers;
  for (const calmon::Region& region : regions) pointers.push_back(&region);
  std::vector<calmon::RegionMean> means;
  if (way == 0) {
    for (const calmon::Region& region : regions) means.emplace_back(region, shape);
  }
  const Strategy strategy = way == 2 ? Strategy::kSpans : way == 3 ? Strategy::kRowPrefixSums : Strategy::kAuto;
  calmon::RegionSums sums(pointers, shape, strategy);
  if (way != 0) state.SetLabel(sums.strategy() == Strategy::kSpans ? "spans" : "row prefix sums");
  int t = 0;
  for (auto _ : state) {
    const auto frame = calmon::FrameView<std::uint16_t>(movie.data() + shape.pixel_count() * (t++ % kFrames), shape);
    if (way == 0) {
      double sum = 0.0;
      for (const auto& mean : means) sum += mean(frame);
      benchmark::DoNotOptimize(sum);
    } else {
      benchmark::DoNotOptimize(sums.means(frame).data());
    }
  }
  state.counters["spans"] = static_cast<double>(sums.span_count());
  state.counters["pixels"] = static_cast<double>(sums.pixel_count());
}
BENCHMARK(RegionSums)
    ->ArgsProduct({{100, 300, 1000, 3000, 10000}, {0, 1, 2, 3}})
    ->ArgNames({"n", "way"})
    ->Unit(benchmark::kMicrosecond);

// The heap a pipeline of 1000 ROIs holds once its windows are full, per ROI (glibc's
// count of bytes in use, before the pipeline is built and after the frames), for each
// kind of baseline: pixel ROIs, so that the ROI's own state (record, baseline, settled
// values) is what is counted; and calmon-bench's ROIs (12x12 with rings), whose region
// sums are counted too. Not a speed: one iteration, the figure in bytes_per_roi.
std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

void PipelineStateBytes(benchmark::State& state) {
  constexpr int kRois = 1000;
  calmon::BaselineSettings baseline;  // 0: the default moving median of 501 frames
  int frames = 1200;
  const auto kind = state.range(0);
  if (kind == 1) {
    baseline.window = 3001;
    baseline.quantile = calmon::QuantileSpec::percentile(8);
    frames = 3600;
  } else if (kind == 2) {
    baseline.kind = calmon::BaselineSettings::Kind::kMaximin;  // Suite2p's 60 s at 30 Hz
    baseline.window = 1800;
    baseline.sigma = 10.0;
    frames = 4000;
  } else if (kind == 3) {
    baseline.kind = calmon::BaselineSettings::Kind::kCumulativeQuantile;  // grows: 1 minute
    frames = 1800;
  }
  const bool rings = kind == 4;
  state.SetLabel(baseline.describe() + (rings ? ", 12x12 ROIs with rings" : ", pixel ROIs") + ", after " +
                 std::to_string(frames) + " frames");
  const calmon::FrameShape shape{512, 512};
  constexpr int kFrames = 8;
  const std::vector<std::uint16_t> movie = noisy_frames(512, kFrames);
  const calmon::PipelineSettings settings = bench_settings(kRois, baseline, rings);
  for (auto _ : state) {
    const std::size_t before = heap_in_use();
    calmon::Pipeline pipeline(settings, shape, calmon::PixelType::kU16);
    calmon::SettledRow row;
    for (int t = 0; t < frames; ++t) {
      const auto frame = calmon::FrameView<std::uint16_t>(movie.data() + shape.pixel_count() * (t % kFrames), shape);
      benchmark::DoNotOptimize(pipeline.push(frame).dff.data());
      while (pipeline.pop_settled(row)) {
      }
    }
    state.counters["bytes_per_roi"] = static_cast<double>(heap_in_use() - before) / kRois;
  }
}
BENCHMARK(PipelineStateBytes)->DenseRange(0, 4)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
