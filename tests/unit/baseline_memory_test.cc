// baseline_memory_test.cc — the bytes a baseline really holds, counted at the allocator,
// against BaselineSettings::max_state_bytes, the figure ROI sets are bounded by
// (config/roi_limits.h): never above it, and, where a trace can fill every buffer, close
// to it. And maximin takes its memory as frames arrive, not for its whole window at once.
//
// This executable replaces the global operator new and delete (every form) with a pair
// that keeps each block's size in front of it, so the bytes live at any moment, and
// their peak, are known exactly.
#include "core/baseline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "core/pipeline.h"

namespace {

std::atomic<std::int64_t> g_live_bytes{0};
std::atomic<std::int64_t> g_peak_bytes{0};

// Each block: a header of max(alignment, 16) bytes, whose last two words hold the header's
// size and the block's, then the caller's bytes.
void* counted_new(std::size_t size, std::size_t alignment) {
  const std::size_t header = std::max<std::size_t>(alignment, 16);
  const std::size_t total = (size + header + header - 1) / header * header;
  void* base = std::aligned_alloc(header, total);
  if (base == nullptr) throw std::bad_alloc();
  auto* user = static_cast<std::size_t*>(static_cast<void*>(static_cast<char*>(base) + header));
  user[-1] = size;
  user[-2] = header;
  const std::int64_t live = g_live_bytes += static_cast<std::int64_t>(size);
  std::int64_t peak = g_peak_bytes.load();
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live)) {
  }
  return user;
}

void counted_delete(void* p) noexcept {
  if (p == nullptr) return;
  auto* user = static_cast<std::size_t*>(p);
  g_live_bytes -= static_cast<std::int64_t>(user[-1]);
  std::free(static_cast<char*>(p) - user[-2]);
}

void* counted_new_nothrow(std::size_t size, std::size_t alignment) noexcept {
  try {
    return counted_new(size, alignment);
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

void* operator new(std::size_t n) { return counted_new(n, 0); }
void* operator new[](std::size_t n) { return counted_new(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_new(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_new(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_new_nothrow(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_new_nothrow(n, 0); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_new_nothrow(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_new_nothrow(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { counted_delete(p); }
void operator delete[](void* p) noexcept { counted_delete(p); }
void operator delete(void* p, std::size_t) noexcept { counted_delete(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_delete(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_delete(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_delete(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_delete(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_delete(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_delete(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_delete(p); }

namespace calmon {
namespace {

// The most bytes live at once while `work` runs, beyond those live before it.
template <class Work> std::int64_t peak_bytes_of(Work&& work) {
  const std::int64_t before = g_live_bytes.load();
  g_peak_bytes = before;
  work();
  return g_peak_bytes.load() - before;
}

BaselineSettings moving(std::int64_t w, double percentile = 50.0) {
  BaselineSettings s;
  s.kind = BaselineSettings::Kind::kMovingQuantile;
  s.window = w;
  s.quantile = percentile == 50.0 ? QuantileSpec::median() : QuantileSpec::percentile(percentile);
  return s;
}

BaselineSettings maximin(std::int64_t w, double sigma) {
  BaselineSettings s;
  s.kind = BaselineSettings::Kind::kMaximin;
  s.window = w;
  s.sigma = sigma;
  return s;
}

// Traces that fill different buffers: a rising one keeps every sample in a minimum's
// queue, a falling one in a maximum's, a noisy one in neither.
std::vector<std::vector<double>> traces(std::size_t n) {
  std::vector<double> rising(n), falling(n), noisy(n);
  for (std::size_t i = 0; i < n; ++i) {
    rising[i] = static_cast<double>(i);
    falling[i] = -static_cast<double>(i);
    noisy[i] = std::sin(static_cast<double>(i) * 0.7) * 100.0 + static_cast<double>(i % 13);
  }
  return {rising, falling, noisy};
}

struct Held {
  std::int64_t between_calls = 0;  // the most live after building it and after each push
  std::int64_t within_calls = 0;   // the peak at any moment, finish() included
};

Held measure(const BaselineSettings& settings, const std::vector<double>& trace) {
  std::vector<SettledSample> settled;
  settled.reserve(trace.size() + 1);  // the results' own memory is not the baseline's
  std::unique_ptr<Baseline> baseline;
  Held held;
  const std::int64_t before = g_live_bytes.load();
  const auto note = [&] { held.between_calls = std::max(held.between_calls, g_live_bytes.load() - before); };
  held.within_calls = peak_bytes_of([&] {
    baseline = make_baseline(settings);
    note();
    for (double f : trace) {
      (void)baseline->push(f, settled);
      settled.clear();
      note();
    }
    baseline->finish(settled);
  });
  return held;
}

TEST(BaselineMemory, WhatABaselineHoldsStaysWithinMaxStateBytes) {
  for (const BaselineSettings& settings :
       {moving(1), moving(2), moving(3), moving(501), moving(1000, 8.0), moving(4096), maximin(1, 0.0), maximin(2, 0.0),
        maximin(300, 0.0), maximin(301, 5.0), maximin(4, 40.0), maximin(2000, 2.0)}) {
    const auto bound = static_cast<std::int64_t>(settings.max_state_bytes());
    for (const std::vector<double>& trace : traces(static_cast<std::size_t>(3 * settings.window + 700))) {
      const Held held = measure(settings, trace);
      EXPECT_LE(held.between_calls, bound) << settings.describe();
      // Within a call, growing a buffer or finishing the trace through a fresh reducer
      // takes at most one more window's worth, for a moment.
      EXPECT_LE(held.within_calls, 2 * bound) << settings.describe();
    }
  }
}

TEST(BaselineMemory, MaxStateBytesIsWhatAFullWindowReallyTakes) {
  // A moving quantile's block is allocated whole: the bound is what it holds, twice
  // while its warm-up copy lives.
  for (const BaselineSettings& settings : {moving(501), moving(1000, 8.0), moving(4096)}) {
    const std::vector<double> trace = traces(static_cast<std::size_t>(2 * settings.window)).back();
    const auto held = static_cast<double>(measure(settings, trace).between_calls);
    EXPECT_GE(held, 0.95 * static_cast<double>(settings.max_state_bytes())) << settings.describe();
  }
  // Maximin's buffers fill with the trace: a rising one fills the minimum's queues and
  // every ring, but leaves the maximum's queues nearly empty.
  const BaselineSettings m = maximin(2000, 2.0);
  const auto held = static_cast<double>(measure(m, traces(6000).front()).between_calls);
  EXPECT_GE(held, 0.5 * static_cast<double>(m.max_state_bytes()));
}

TEST(BaselineMemory, PerWindowFrameAsDocumented) {
  // docs/baselines.md and the --max-baseline-mib arithmetic in docs/daemon.md.
  const auto per_frame = [](const BaselineSettings& s, std::int64_t w) {
    BaselineSettings longer = s;
    longer.window = 2 * w;
    BaselineSettings shorter = s;
    shorter.window = w;
    return static_cast<double>(longer.max_state_bytes() - shorter.max_state_bytes()) / static_cast<double>(w);
  };
  EXPECT_NEAR(per_frame(moving(1), 100000), 40.0, 0.1);
  EXPECT_NEAR(per_frame(maximin(1, 0.0), 100000), 120.0, 0.1);
  BaselineSettings cumulative;
  cumulative.kind = BaselineSettings::Kind::kCumulativeMean;
  EXPECT_LT(cumulative.max_state_bytes(), 256u);
}

TEST(BaselineMemory, SettledLagIsTheBaselinesOwn) {
  for (std::int64_t w : {1, 2, 3, 500, 501}) {
    EXPECT_EQ(moving(w).settled_lag(), make_baseline(moving(w))->settled_lag());
    for (double sigma : {0.0, 0.4, 2.0, 33.3}) {
      EXPECT_EQ(maximin(w, sigma).settled_lag(), make_baseline(maximin(w, sigma))->settled_lag());
    }
  }
  BaselineSettings cumulative;
  cumulative.kind = BaselineSettings::Kind::kCumulativeQuantile;
  EXPECT_EQ(cumulative.settled_lag(), make_baseline(cumulative)->settled_lag());
}

// What a pipeline of these baselines (pixel ROIs, nothing else) takes while frames
// come: the most held after any frame, beyond what it held once built.
std::int64_t pipeline_growth(const std::vector<BaselineSettings>& baselines, std::int64_t frames) {
  PipelineSettings settings;
  settings.global_traces = false;
  for (std::size_t i = 0; i < baselines.size(); ++i) {
    settings.rois.push_back(
        {"r" + std::to_string(i), Region::pixel(static_cast<int>(i % 8), static_cast<int>(i / 8)), {}, baselines[i]});
  }
  const FrameShape shape{8, 16};
  std::vector<std::uint16_t> pixels(shape.pixel_count());
  SettledRow row;
  row.f0.resize(baselines.size());
  row.dff.resize(baselines.size());
  row.flags.resize(baselines.size());
  Pipeline pipeline(std::move(settings), shape, PixelType::kU16);
  const std::int64_t built = g_live_bytes.load();
  std::int64_t most = built;
  for (std::int64_t t = 0; t < frames; ++t) {
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint16_t>((i * 31 + t * 17) % 1000);
    (void)pipeline.push(AnyFrameView(PixelType::kU16, pixels.data(), shape));
    while (pipeline.pop_settled(row)) {
    }
    most = std::max(most, g_live_bytes.load());
  }
  return most - built;
}

TEST(BaselineMemory, APipelineHoldsTheSettledValuesOfFastROIsWithinTheSetsBound) {
  // One slow ROI (settling 2000 frames late) makes 100 fast ones queue their settled
  // values until it settles the same frame: about 3 MB, while their baselines are tiny.
  std::vector<BaselineSettings> mixed(100, moving(1));
  mixed.push_back(moving(4001));
  const auto bound = static_cast<double>(Pipeline::max_baseline_state_bytes(mixed));
  const auto grown = static_cast<double>(pipeline_growth(mixed, 6000));
  EXPECT_LE(grown, bound);
  EXPECT_GE(grown, 0.75 * bound);
  EXPECT_GT(bound, 100 * 2000 * 16.0);
  // Alike, they queue nothing but the frame at hand.
  std::vector<BaselineSettings> alike(100, maximin(301, 3.0));
  EXPECT_LE(static_cast<double>(pipeline_growth(alike, 1000)),
            static_cast<double>(Pipeline::max_baseline_state_bytes(alike)));
}

TEST(BaselineMemory, MaximinTakesItsMemoryAsFramesArriveNotForItsWholeWindow) {
  // A million-frame window allocated up front held 80 MB before the first frame; a
  // window of 2^31 - 1, four 32 GiB queues. Now eight frames hold what eight frames need.
  const BaselineSettings settings = maximin(1'000'000, 0.0);
  const std::vector<double> trace = {7.0, 3.0, 9.0, 4.0, 8.0, 2.5, 6.0, 5.0};
  std::vector<SettledSample> settled;
  settled.reserve(trace.size());
  std::vector<double> live;
  live.reserve(trace.size());
  std::unique_ptr<Baseline> baseline;
  const std::int64_t held = peak_bytes_of([&] {
    baseline = make_baseline(settings);
    for (double f : trace) live.push_back(baseline->push(f, settled));
  });
  EXPECT_LT(held, 16 * 1024) << "bytes held after " << trace.size() << " frames";
  EXPECT_TRUE(settled.empty());
  baseline->finish(settled);
  // The outputs are unchanged: a window this long covers the whole (mirrored) trace, so
  // the settled F0 is the trace's minimum; live, the maximum of the running minimum is
  // the first sample.
  ASSERT_EQ(settled.size(), trace.size());
  for (std::size_t t = 0; t < trace.size(); ++t) {
    EXPECT_EQ(settled[t].f, trace[t]);
    EXPECT_EQ(settled[t].f0, 2.5);
    EXPECT_EQ(live[t], 7.0);
  }
}

}  // namespace
}  // namespace calmon
