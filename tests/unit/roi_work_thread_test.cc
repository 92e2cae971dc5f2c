// roi_work_thread_test.cc — the second ROI thread runs every part once, really at the same
// time as the caller, and a pipeline sharing with it gives the bits of one thread.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "core/pipeline.h"
#include "daemon/roi_work_thread.h"
#include "test_support.h"

namespace calmon::daemon {
namespace {

TEST(RoiWorkThread, RunsEveryPartOnceARunAndReturnsOnlyWhenAllAreDone) {
  RoiWorkThread thread;
  ASSERT_EQ(thread.parts(), 2u);
  for (int run = 0; run < 20000; ++run) {
    std::array<std::atomic<int>, 2> ran{};
    thread.run([&](std::size_t part) { ran[part].fetch_add(1); });
    ASSERT_EQ(ran[0].load(), 1) << "run " << run;
    ASSERT_EQ(ran[1].load(), 1) << "run " << run;
  }
}

TEST(RoiWorkThread, ItsPartRunsBesideTheCallersOnAnotherThread) {
  RoiWorkThread thread;
  // Each part waits (up to a deadline) until the other has started: only two threads
  // at once can both get through.
  std::array<std::atomic<bool>, 2> started{};
  std::array<std::thread::id, 2> ran_on{};
  std::atomic<bool> both = true;
  thread.run([&](std::size_t part) {
    started[part] = true;
    ran_on[part] = std::this_thread::get_id();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!started[1 - part] && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    if (!started[1 - part]) both = false;
  });
  EXPECT_TRUE(both) << "the two parts never ran at the same time";
  EXPECT_NE(ran_on[0], ran_on[1]);
  EXPECT_EQ(thread.parts_run_by_thread(), 1u);
}

using test::same_bits;

TEST(RoiWorkThread, APipelineSharingWithItGivesTheBitsOfOneThread) {
  // 1000 square ROIs with rings on 256×256 uint16 (row prefix sums), moving medians.
  const FrameShape shape{256, 256};
  std::mt19937_64 rng(7);
  PipelineSettings settings;
  for (int i = 0; i < 1000; ++i) {
    RoiSettings roi;
    roi.name = "roi" + std::to_string(i);
    const int x = std::uniform_int_distribution<int>(0, 247)(rng), y = std::uniform_int_distribution<int>(0, 247)(rng);
    roi.region = Region::rect({x, x + 8, y, y + 8});
    roi.neuropil.source = NeuropilSettings::Source::kRing;
    roi.neuropil.ring = RingParams{2, 60};
    roi.neuropil.r = 0.7;
    roi.baseline.window = 51;
    settings.rois.push_back(roi);
  }
  Pipeline alone(settings, shape, PixelType::kU16);
  Pipeline shared(settings, shape, PixelType::kU16);
  RoiWorkThread thread;
  shared.share_work(&thread);
  std::vector<std::uint16_t> frame(shape.pixel_count());
  SettledRow want, got;
  for (int t = 0; t < 200; ++t) {
    for (auto& p : frame) p = static_cast<std::uint16_t>(std::uniform_int_distribution<int>(100, 4000)(rng));
    const FrameResult& a = alone.push(FrameView<std::uint16_t>(frame.data(), shape));
    const FrameResult& b = shared.push(FrameView<std::uint16_t>(frame.data(), shape));
    for (std::size_t i = 0; i < settings.rois.size(); ++i) {
      ASSERT_TRUE(same_bits(a.f[i], b.f[i]) && same_bits(a.fneu[i], b.fneu[i]) && same_bits(a.f0[i], b.f0[i]) &&
                  same_bits(a.dff[i], b.dff[i]) && a.flags[i] == b.flags[i])
          << "frame " << t << " ROI " << i;
    }
    while (alone.pop_settled(want)) {
      ASSERT_TRUE(shared.pop_settled(got));
      ASSERT_EQ(got.frame, want.frame);
      for (std::size_t i = 0; i < want.f0.size(); ++i) ASSERT_TRUE(same_bits(got.f0[i], want.f0[i]));
    }
  }
  // How often the thread took a part (it may take none on a loaded machine: printed).
  std::printf("the second thread ran %llu of %d parts\n", static_cast<unsigned long long>(thread.parts_run_by_thread()),
              200 * 3 * 2);
}

}  // namespace
}  // namespace calmon::daemon
