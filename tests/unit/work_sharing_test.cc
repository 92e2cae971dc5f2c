// work_sharing_test.cc — a frame's ROI work split into parts gives the same bits as one thread.
//
// A WorkSharing that runs its parts one after the other, in a scrambled order, stands
// in for threads: whatever the split and the order, every live value, flag and settled
// row must equal, bit for bit, a pipeline that shares nothing. Integer frames whose
// regions are summed with row prefix sums (many ROIs with rings on a small frame) and
// with spans (few pixels on a large one), float frames (RegionMean), weighted masks,
// every kind of neuropil and baseline, and an edit that crosses kMinRoisToShare.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/pipeline.h"
#include "core/work_sharing.h"
#include "test_support.h"

namespace calmon {
namespace {

// Runs the parts on the calling thread, in the order given.
class SequentialParts final : public WorkSharing {
 public:
  explicit SequentialParts(std::vector<std::size_t> order) : order_(std::move(order)) {}
  std::size_t parts() const override { return order_.size(); }
  void run(const std::function<void(std::size_t)>& work) override {
    for (const std::size_t part : order_) work(part);
    ++runs;
  }
  int runs = 0;

 private:
  std::vector<std::size_t> order_;
};

using test::same_bits;

void expect_same(const std::vector<double>& got, const std::vector<double>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_TRUE(same_bits(got[i], want[i])) << what << " ROI " << i << ": " << got[i] << " vs " << want[i];
  }
}

std::vector<RoiSettings> random_rois(std::size_t count, FrameShape shape, bool small, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto pick = [&rng](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  std::vector<RoiSettings> rois;
  for (std::size_t i = 0; i < count; ++i) {
    RoiSettings roi;
    roi.name = "roi" + std::to_string(i);
    roi.id = static_cast<std::uint32_t>(i + 1);
    const int x = pick(shape.width - 6), y = pick(shape.height - 6);
    if (small || pick(3) == 0) {
      roi.region = Region::pixel(x, y);
    } else if (pick(2) == 0) {
      roi.region = Region::rect({x, x + 1 + pick(5), y, y + 1 + pick(5)});
    } else {
      std::vector<WeightedPixel> pixels;
      const bool weighted = pick(2) == 0;
      for (int dy = 0; dy < 5; ++dy) {
        for (int dx = 0; dx < 5; ++dx) {
          if (pick(3) == 0) pixels.push_back({x + dx, y + dy, weighted ? 0.25 + pick(8) * 0.5 : 1.0});
        }
      }
      if (pixels.empty()) pixels.push_back({x, y, 1.0});
      roi.region = Region::mask(pixels);
    }
    roi.neuropil.r = 0.1 * pick(10);
    switch (small ? pick(2) * 3 : pick(5)) {
      case 0: roi.neuropil.source = NeuropilSettings::Source::kNone; break;
      case 1:
        roi.neuropil.source = NeuropilSettings::Source::kRing;
        roi.neuropil.ring = RingParams{pick(2), 10 + pick(20)};
        break;
      case 2:
        roi.neuropil.source = NeuropilSettings::Source::kRegion;
        roi.neuropil.region = Region::rect({x, x + 6, y, y + 6});
        break;
      case 3: roi.neuropil.source = NeuropilSettings::Source::kGlobalMean; break;
      default: roi.neuropil.source = NeuropilSettings::Source::kGlobalMedian; break;
    }
    switch (pick(4)) {
      case 0:
        roi.baseline.kind = BaselineSettings::Kind::kMaximin;
        roi.baseline.window = 3 + pick(9);
        roi.baseline.sigma = pick(3);
        break;
      default:
        roi.baseline.kind = BaselineSettings::Kind::kMovingQuantile;
        roi.baseline.window = 1 + pick(25);
        break;
    }
    rois.push_back(std::move(roi));
  }
  return rois;
}

template <class T> std::vector<std::vector<T>> random_movie(FrameShape shape, int frames, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> value(100, 900);
  std::vector<std::vector<T>> movie(static_cast<std::size_t>(frames));
  for (auto& frame : movie) {
    frame.resize(shape.pixel_count());
    for (auto& p : frame) p = static_cast<T>(value(rng));
  }
  return movie;
}

// Runs the movie through a pipeline with `sharing` (null: one thread) and, after
// `edit_at` frames, removes all but the first `keep` ROIs; checks against `want` if given.
struct Output {
  std::vector<FrameResult> live;
  std::vector<SettledRow> rows;
};
template <class T>
Output run(const std::vector<std::vector<T>>& movie, FrameShape shape, const std::vector<RoiSettings>& rois,
           WorkSharing* sharing, int edit_at, std::size_t keep) {
  PipelineSettings settings;
  settings.rois = rois;
  settings.global_traces = true;
  Pipeline pipeline(settings, shape, std::is_same_v<T, float> ? PixelType::kF32 : PixelType::kU16);
  pipeline.share_work(sharing);
  Output out;
  SettledRow row;
  for (int t = 0; t < static_cast<int>(movie.size()); ++t) {
    if (t == edit_at) {
      RoiSetEdit edit;  // the first `keep` ROIs go on; the others are removed
      for (std::size_t i = 0; i < keep; ++i) edit.push_back({.roi = rois[i], .kept_from = i});
      pipeline.edit_rois(edit);
    }
    out.live.push_back(pipeline.push(FrameView<T>(movie[static_cast<std::size_t>(t)].data(), shape)));
    while (pipeline.pop_settled(row)) out.rows.push_back(row);
  }
  pipeline.finish();
  while (pipeline.pop_settled(row)) out.rows.push_back(row);
  return out;
}

void expect_same_output(const Output& got, const Output& want) {
  ASSERT_EQ(got.live.size(), want.live.size());
  for (std::size_t t = 0; t < got.live.size(); ++t) {
    const std::string at = "frame " + std::to_string(t) + " ";
    expect_same(got.live[t].f, want.live[t].f, at + "f");
    expect_same(got.live[t].fneu, want.live[t].fneu, at + "fneu");
    expect_same(got.live[t].fcorr, want.live[t].fcorr, at + "fcorr");
    expect_same(got.live[t].f0, want.live[t].f0, at + "f0");
    expect_same(got.live[t].dff, want.live[t].dff, at + "dff");
    ASSERT_EQ(got.live[t].flags, want.live[t].flags) << at;
    ASSERT_EQ(got.live[t].roi_set_version, want.live[t].roi_set_version) << at;
  }
  ASSERT_EQ(got.rows.size(), want.rows.size());
  for (std::size_t r = 0; r < got.rows.size(); ++r) {
    const std::string at = "settled row " + std::to_string(r) + " ";
    ASSERT_EQ(got.rows[r].frame, want.rows[r].frame) << at;
    expect_same(got.rows[r].f0, want.rows[r].f0, at + "f0");
    expect_same(got.rows[r].dff, want.rows[r].dff, at + "dff");
    ASSERT_EQ(got.rows[r].flags, want.rows[r].flags) << at;
  }
}

// The strategy a RegionSums of the set's unit-weight regions (as the pipeline sums them)
// chooses: the test's proof that it covers the one it means to.
RegionSums::Strategy strategy_of(const std::vector<RoiSettings>& rois, FrameShape shape) {
  PipelineSettings settings;
  settings.rois = rois;
  const Pipeline pipeline(settings, shape, PixelType::kU16);
  std::vector<const Region*> summed;
  for (std::size_t i = 0; i < rois.size(); ++i) {
    if (rois[i].region.unit_weights()) summed.push_back(&rois[i].region);
    const std::optional<Region>& neuropil = pipeline.neuropil_region(i);
    if (neuropil && neuropil->unit_weights()) summed.push_back(&*neuropil);
  }
  return RegionSums(summed, shape).strategy();
}

template <class T>
void check_splits(FrameShape shape, std::size_t count, bool small, std::uint64_t seed,
                  std::optional<RegionSums::Strategy> strategy = std::nullopt) {
  const auto movie = random_movie<T>(shape, 90, seed);
  const std::vector<RoiSettings> rois = random_rois(count, shape, small, seed);
  if (strategy) {
    ASSERT_EQ(strategy_of(rois, shape), *strategy);
  }
  // The edit at frame 50 leaves fewer ROIs than kMinRoisToShare: one thread from then on.
  const Output alone = run(movie, shape, rois, nullptr, 50, Pipeline::kMinRoisToShare / 2);
  for (const std::vector<std::size_t>& order :
       {std::vector<std::size_t>{0, 1}, {1, 0}, {2, 0, 1}, {4, 1, 3, 0, 2}, {6, 5, 4, 3, 2, 1, 0}}) {
    SCOPED_TRACE("parts run in the order " + std::to_string(order.front()) + "... of " + std::to_string(order.size()));
    SequentialParts parts(order);
    expect_same_output(run(movie, shape, rois, &parts, 50, Pipeline::kMinRoisToShare / 2), alone);
    EXPECT_GT(parts.runs, 0) << "the work was shared";
  }
}

TEST(WorkSharing, PartRangesCoverEveryIndexOnce) {
  for (std::size_t n : {0u, 1u, 7u, 64u, 1001u}) {
    for (std::size_t parts : {1u, 2u, 3u, 8u}) {
      std::size_t next = 0;
      for (std::size_t part = 0; part < parts; ++part) {
        const PartRange range = part_range(n, part, parts);
        EXPECT_EQ(range.begin, next);
        EXPECT_LE(range.end - range.begin, n / parts + 1);
        next = range.end;
      }
      EXPECT_EQ(next, n);
    }
  }
}

TEST(WorkSharing, AnySplitGivesTheBitsOfOneThreadWithRowPrefixSums) {
  check_splits<std::uint16_t>({64, 48}, 300, false, 1, RegionSums::Strategy::kRowPrefixSums);
}

TEST(WorkSharing, AnySplitGivesTheBitsOfOneThreadWithSpans) {
  check_splits<std::uint16_t>({512, 256}, 100, true, 2, RegionSums::Strategy::kSpans);
}

TEST(WorkSharing, AnySplitGivesTheBitsOfOneThreadOnFloatFrames) { check_splits<float>({64, 48}, 200, false, 3); }

TEST(WorkSharing, FewRoisAreNotShared) {
  const FrameShape shape{32, 32};
  const auto movie = random_movie<std::uint16_t>(shape, 10, 4);
  SequentialParts parts({1, 0});
  run(movie, shape, random_rois(Pipeline::kMinRoisToShare - 1, shape, false, 4), &parts, -1, 0);
  EXPECT_EQ(parts.runs, 0);
}

}  // namespace
}  // namespace calmon
