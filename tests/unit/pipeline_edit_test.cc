// pipeline_edit_test.cc — live edits of the ROI set keep what they do not edit, bit for bit.
//
// The property, checked on random edit sequences from fixed seeds: every ROI a pipeline
// ever had, from the frame it began to the frame it was removed or restarted (or the
// end), gives exactly — live and settled — what a fresh pipeline of that ROI alone gives
// on those frames, finished where the ROI ended; the ROIs the edits never touched (or
// only renamed) give exactly what a pipeline that never saw an edit gives; and the
// settled rows come out complete, in frame order, each with the version of its frame
// and that version's ROIs. Integer frames (RegionSums, recompiled at every edit) and
// float frames (RegionMean) both.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/pipeline.h"
#include "core/roi_set_edit.h"
#include "test_support.h"

namespace calmon {
namespace {

constexpr FrameShape kShape{24, 20};
constexpr int kFrames = 140;

template <class T> std::vector<std::vector<T>> random_movie(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> value(100, 900);
  std::vector<std::vector<T>> movie(kFrames);
  for (auto& frame : movie) {
    frame.resize(kShape.pixel_count());
    for (auto& p : frame) p = static_cast<T>(value(rng));
  }
  return movie;
}

using test::same_bits;

class RandomRois {
 public:
  explicit RandomRois(std::uint64_t seed) : rng_(seed) {}

  Region region() {
    switch (pick(4)) {
      case 0: return Region::pixel(pick(kShape.width), pick(kShape.height));
      case 1: {
        const int x = pick(kShape.width - 4), y = pick(kShape.height - 4);
        return Region::rect({x, x + 1 + pick(4), y, y + 1 + pick(4)});
      }
      default: {
        const bool weighted = pick(2) == 0;
        std::vector<WeightedPixel> pixels;
        const int x = pick(kShape.width - 5), y = pick(kShape.height - 5);
        for (int dy = 0; dy < 5; ++dy) {
          for (int dx = 0; dx < 5; ++dx) {
            if (pick(3) == 0) pixels.push_back({x + dx, y + dy, weighted ? 0.25 + pick(8) * 0.5 : 1.0});
          }
        }
        if (pixels.empty()) pixels.push_back({x, y, 1.0});
        return Region::mask(pixels);
      }
    }
  }

  NeuropilSettings neuropil() {
    NeuropilSettings n;
    n.r = 0.1 * pick(10);
    switch (pick(5)) {
      case 0: n.source = NeuropilSettings::Source::kNone; break;
      case 1:
        n.source = NeuropilSettings::Source::kRegion;
        n.region = region();
        break;
      case 2:
        n.source = NeuropilSettings::Source::kRing;
        n.ring = RingParams{pick(2), 10 + pick(20)};
        break;
      case 3: n.source = NeuropilSettings::Source::kGlobalMean; break;
      default: n.source = NeuropilSettings::Source::kGlobalMedian; break;
    }
    return n;
  }

  BaselineSettings baseline() {
    BaselineSettings b;
    switch (pick(6)) {
      case 0:
        b.kind = BaselineSettings::Kind::kMaximin;
        b.window = 3 + pick(9);
        b.sigma = pick(3);
        break;
      case 1: b.kind = BaselineSettings::Kind::kCumulativeMean; break;
      default:
        b.kind = BaselineSettings::Kind::kMovingQuantile;
        b.window = 1 + pick(25);
        break;
    }
    return b;
  }

  RoiSettings roi(std::uint32_t id) {
    RoiSettings r;
    r.name = "roi" + std::to_string(id);
    r.id = id;
    r.region = region();
    r.neuropil = neuropil();
    r.baseline = baseline();
    return r;
  }

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

 private:
  std::mt19937_64 rng_;
};

// One ROI's run: its settings (a ring given as the region it resolved to), its frames.
struct Life {
  std::uint32_t id = 0;
  RoiSettings roi;
  std::int64_t first = 0;
  std::int64_t end = kFrames;  // one past its last frame
};

// What the edited pipeline gave, per frame: live values by ROI id, and settled rows.
struct Run {
  std::vector<FrameResult> live;
  std::vector<std::vector<std::uint32_t>> live_ids;  // per frame, the columns' ids
  std::vector<SettledRow> rows;
  std::map<std::uint32_t, std::vector<std::uint32_t>> version_ids;
  std::vector<Life> lives;
  std::vector<std::uint32_t> untouched;  // ids of the first set never removed or restarted
};

RoiSettings with_resolved_neuropil(RoiSettings roi, const std::optional<Region>& neuropil) {
  if (roi.neuropil.source == NeuropilSettings::Source::kRing) {
    roi.neuropil.source = NeuropilSettings::Source::kRegion;
    roi.neuropil.region = *neuropil;
  }
  return roi;
}

std::vector<std::uint32_t> ids_of(const Pipeline& pipeline) {
  std::vector<std::uint32_t> ids;
  for (const RoiSettings& roi : pipeline.settings().rois) ids.push_back(roi.id);
  return ids;
}

// Runs `movie` through a pipeline that starts with `initial` and is edited at random.
template <class T> Run run_with_edits(const std::vector<std::vector<T>>& movie, std::uint64_t seed) {
  RandomRois random(seed);
  std::vector<RoiSettings> initial;
  std::uint32_t next_id = 1;
  for (int i = 0; i < 6; ++i) initial.push_back(random.roi(next_id++));
  PipelineSettings settings;
  settings.rois = initial;
  Pipeline pipeline(settings, kShape, pixel_type_of<T>);

  Run run;
  std::map<std::uint32_t, Life> open;  // the lives in the current set, by id
  const auto begin_lives = [&](std::int64_t frame, bool only_new) {
    const auto layout = pipeline.layout();
    for (std::size_t i = 0; i < layout->rois.size(); ++i) {
      const std::uint32_t id = layout->rois[i].id;
      if (only_new && open.count(id)) continue;
      open[id] = Life{id, with_resolved_neuropil(layout->rois[i], layout->neuropil[i]), frame, kFrames};
    }
    run.version_ids[pipeline.roi_set_version()] = ids_of(pipeline);
  };
  const auto end_life = [&](std::uint32_t id, std::int64_t frame) {
    Life life = open.at(id);
    life.end = frame;
    run.lives.push_back(life);
    open.erase(id);
  };
  begin_lives(0, false);
  std::vector<bool> touched(next_id, false);

  // A random edit of the current set: each ROI kept, renamed, restarted or removed, and
  // a few added; returns the ids that end here.
  const auto random_edit = [&](std::vector<std::uint32_t>& ending) {
    const auto layout = pipeline.layout();
    RoiSetEdit edit;
    for (std::size_t i = 0; i < layout->rois.size(); ++i) {
      const RoiSettings& roi = layout->rois[i];
      RoiEditEntry entry{roi, i};
      // ROIs 1 and 2 are at most renamed, so that every run has untouched ones to check.
      switch (roi.id <= 2 ? 1 + random.pick(8) % 2 * 3 : random.pick(8)) {
        case 0:  // removed
          ending.push_back(roi.id);
          continue;
        case 1:  // renamed
          entry.roi.name = roi.name + "+";
          break;
        case 2:  // restarted: a new region, neuropil or baseline, the rest its own
          entry.kept_from.reset();
          switch (random.pick(3)) {
            case 0: entry.roi.region = random.region(); break;
            case 1: entry.roi.neuropil = random.neuropil(); break;
            default: entry.roi.baseline = random.baseline(); break;
          }
          ending.push_back(roi.id);
          break;
        default: break;
      }
      edit.push_back(entry);
    }
    const int added = random.pick(3);
    for (int k = 0; k < added; ++k) {
      edit.push_back(RoiEditEntry{random.roi(next_id++), std::nullopt});
      touched.push_back(false);
    }
    for (std::uint32_t id : ending) {
      if (id < touched.size()) touched[id] = true;
    }
    return edit;
  };

  std::optional<Pipeline::PreparedEdit> pending;
  std::vector<std::uint32_t> pending_ending;
  SettledRow row;
  for (std::int64_t t = 0; t < kFrames; ++t) {
    if (pending && random.pick(3) == 0) {  // installed a few frames after it was prepared
      pipeline.install_edit(std::move(*pending));
      pending.reset();
      for (std::uint32_t id : pending_ending) end_life(id, t);
      begin_lives(t, true);
    }
    // Sometimes two edits between the same two frames.
    while (!pending && t > 0 && random.pick(10) == 0) {
      std::vector<std::uint32_t> ending;
      RoiSetEdit edit = random_edit(ending);
      if (random.pick(2) == 0) {
        pipeline.edit_rois(std::move(edit));
        for (std::uint32_t id : ending) end_life(id, t);
        begin_lives(t, true);
      } else {
        pending.emplace(Pipeline::prepare_edit(pipeline.layout(), std::move(edit), kShape, pixel_type_of<T>));
        pending_ending = ending;
      }
    }
    run.live.push_back(pipeline.push(FrameView<T>(movie[static_cast<std::size_t>(t)].data(), kShape)));
    run.live_ids.push_back(ids_of(pipeline));
    while (pipeline.pop_settled(row)) run.rows.push_back(row);
  }
  pipeline.finish();
  while (pipeline.pop_settled(row)) run.rows.push_back(row);
  for (const auto& [id, life] : open) run.lives.push_back(life);
  for (const RoiSettings& roi : initial) {
    if (!touched[roi.id]) run.untouched.push_back(roi.id);
  }
  return run;
}

// The live and settled values of `rois` alone on frames [first, end), finished at end.
template <class T>
void run_fresh(const std::vector<std::vector<T>>& movie, std::vector<RoiSettings> rois, std::int64_t first,
               std::int64_t end, std::vector<FrameResult>& live, std::vector<SettledRow>& rows) {
  PipelineSettings settings;
  settings.rois = std::move(rois);
  Pipeline pipeline(settings, kShape, pixel_type_of<T>);
  SettledRow row;
  for (std::int64_t t = first; t < end; ++t) {
    live.push_back(pipeline.push(FrameView<T>(movie[static_cast<std::size_t>(t)].data(), kShape)));
    while (pipeline.pop_settled(row)) rows.push_back(row);
  }
  pipeline.finish();
  while (pipeline.pop_settled(row)) rows.push_back(row);
}

std::size_t column_of(const std::vector<std::uint32_t>& ids, std::uint32_t id) {
  const auto it = std::find(ids.begin(), ids.end(), id);
  EXPECT_NE(it, ids.end()) << "ROI " << id;
  return static_cast<std::size_t>(it - ids.begin());
}

// Column `column` of `expected` against the ROI `id`'s column of the run, frame `t`.
void expect_live(const Run& run, std::int64_t t, std::uint32_t id, const FrameResult& expected, std::size_t column,
                 const std::string& what) {
  const FrameResult& actual = run.live[static_cast<std::size_t>(t)];
  const std::size_t i = column_of(run.live_ids[static_cast<std::size_t>(t)], id);
  const std::string where = what + " ROI " + std::to_string(id) + " frame " + std::to_string(t);
  EXPECT_TRUE(same_bits(actual.f[i], expected.f[column])) << where;
  EXPECT_TRUE(same_bits(actual.fneu[i], expected.fneu[column])) << where;
  EXPECT_TRUE(same_bits(actual.fcorr[i], expected.fcorr[column])) << where;
  EXPECT_TRUE(same_bits(actual.f0[i], expected.f0[column])) << where;
  EXPECT_TRUE(same_bits(actual.dff[i], expected.dff[column])) << where;
  EXPECT_EQ(actual.flags[i], expected.flags[column]) << where;
}

void expect_settled(const Run& run, std::int64_t t, std::uint32_t id, const SettledRow& expected, std::size_t column,
                    const std::string& what) {
  const SettledRow& actual = run.rows[static_cast<std::size_t>(t)];
  const std::size_t i = column_of(run.version_ids.at(actual.roi_set_version), id);
  const std::string where = what + " settled ROI " + std::to_string(id) + " frame " + std::to_string(t);
  EXPECT_TRUE(same_bits(actual.f0[i], expected.f0[column])) << where;
  EXPECT_TRUE(same_bits(actual.dff[i], expected.dff[column])) << where;
  EXPECT_EQ(actual.flags[i], expected.flags[column]) << where;
}

template <class T> void check_random_edits(std::uint64_t seed) {
  const auto movie = random_movie<T>(seed);
  const Run run = run_with_edits(movie, seed);
  const std::string what = std::string(pixel_type_name(pixel_type_of<T>)) + " seed " + std::to_string(seed);

  // The rows: one per frame, in order, of the version in effect then, as wide as it.
  ASSERT_EQ(run.rows.size(), static_cast<std::size_t>(kFrames)) << what;
  for (std::size_t t = 0; t < run.rows.size(); ++t) {
    EXPECT_EQ(run.rows[t].frame, static_cast<std::int64_t>(t)) << what;
    EXPECT_EQ(run.rows[t].roi_set_version, run.live[t].roi_set_version) << what << " frame " << t;
    EXPECT_EQ(run.rows[t].f0.size(), run.live_ids[t].size()) << what << " frame " << t;
  }

  // Every life equals a fresh pipeline of that ROI on its frames.
  for (const Life& life : run.lives) {
    std::vector<FrameResult> live;
    std::vector<SettledRow> rows;
    run_fresh(movie, {life.roi}, life.first, life.end, live, rows);
    ASSERT_EQ(rows.size(), live.size());
    for (std::int64_t t = life.first; t < life.end; ++t) {
      const auto k = static_cast<std::size_t>(t - life.first);
      expect_live(run, t, life.id, live[k], 0, what);
      expect_settled(run, t, life.id, rows[k], 0, what);
    }
  }

  // The untouched ROIs equal a pipeline that never saw an edit.
  std::vector<RoiSettings> initial;
  RandomRois random(seed);
  for (std::uint32_t id = 1; id <= 6; ++id) initial.push_back(random.roi(id));
  std::vector<FrameResult> live;
  std::vector<SettledRow> rows;
  run_fresh(movie, initial, 0, kFrames, live, rows);
  for (std::uint32_t id : run.untouched) {
    for (std::int64_t t = 0; t < kFrames; ++t) {
      expect_live(run, t, id, live[static_cast<std::size_t>(t)], id - 1, what + " untouched");
      expect_settled(run, t, id, rows[static_cast<std::size_t>(t)], id - 1, what + " untouched");
    }
  }
  EXPECT_GT(run.version_ids.size(), 3u) << what;
  EXPECT_GT(run.lives.size(), 8u) << what;
  EXPECT_FALSE(run.untouched.empty()) << what;
}

TEST(PipelineEdit, RandomEditsKeepEveryOtherRoiBitForBitOnIntegerFrames) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) check_random_edits<std::uint16_t>(seed);
}

TEST(PipelineEdit, RandomEditsKeepEveryOtherRoiBitForBitOnFloatFrames) {
  for (std::uint64_t seed = 101; seed <= 106; ++seed) check_random_edits<float>(seed);
}

RoiSettings pixel_roi(std::string name, int x, int y, std::uint32_t id) {
  RoiSettings roi;
  roi.name = std::move(name);
  roi.region = Region::pixel(x, y);
  roi.baseline.window = 5;
  roi.id = id;
  return roi;
}

PipelineSettings two_rois() {
  PipelineSettings settings;
  settings.rois = {pixel_roi("a", 1, 1, 1), pixel_roi("b", 2, 2, 2)};
  return settings;
}

TEST(PipelineEdit, ARenameKeepsTheRoisStateAndCountsTheVersionUp) {
  Pipeline pipeline(two_rois(), kShape, PixelType::kU16);
  pipeline.edit_rois({RoiEditEntry{pixel_roi("renamed", 9, 9, 1), 0}, RoiEditEntry{pixel_roi("b", 2, 2, 2), 1}});
  EXPECT_EQ(pipeline.roi_set_version(), 1u);
  EXPECT_EQ(pipeline.settings().rois[0].name, "renamed");
  // Only the label is the edit's: the region stays the ROI's own.
  EXPECT_EQ(pipeline.settings().rois[0].region.describe(), Region::pixel(1, 1).describe());
  EXPECT_EQ(pipeline.layout()->version, 1u);
}

void expect_refused(Pipeline& pipeline, RoiSetEdit edit, const std::string& message) {
  try {
    pipeline.edit_rois(std::move(edit));
    ADD_FAILURE() << "expected: " << message;
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
  EXPECT_EQ(pipeline.roi_set_version(), 0u);
  ASSERT_EQ(pipeline.roi_count(), 2u);
  EXPECT_EQ(pipeline.settings().rois[0].name, "a");
}

TEST(PipelineEdit, AnEditThatMakesNoSenseIsRefusedAndTheSetKept) {
  Pipeline pipeline(two_rois(), kShape, PixelType::kU16);
  expect_refused(pipeline, {RoiEditEntry{pixel_roi("a", 1, 1, 1), 0}, RoiEditEntry{pixel_roi("a", 3, 3, 3), {}}},
                 "ROI name 'a' is used twice");
  expect_refused(pipeline, {RoiEditEntry{pixel_roi("far", 100, 1, 3), {}}},
                 "ROI 'far': pixel (100, 1) is outside the 24x20 frame");
  expect_refused(pipeline, {RoiEditEntry{pixel_roi("a", 1, 1, 1), 0}, RoiEditEntry{pixel_roi("c", 1, 1, 1), 0}},
                 "an edit continues ROI 'a' twice");
  expect_refused(pipeline, {RoiEditEntry{pixel_roi("x", 1, 1, 1), 5}}, "an edit continues ROI 5 of a set of 2");
  pipeline.finish();
  EXPECT_THROW(pipeline.edit_rois({}), Error);
}

TEST(PipelineEdit, AnEditPreparedForAnotherVersionIsRefused) {
  Pipeline pipeline(two_rois(), kShape, PixelType::kU16);
  auto stale =
      Pipeline::prepare_edit(pipeline.layout(), {RoiEditEntry{pixel_roi("a", 1, 1, 1), 0}}, kShape, PixelType::kU16);
  auto other_geometry =
      Pipeline::prepare_edit(pipeline.layout(), {RoiEditEntry{pixel_roi("a", 1, 1, 1), 0}}, kShape, PixelType::kU8);
  EXPECT_THROW(pipeline.install_edit(std::move(other_geometry)), Error);
  pipeline.edit_rois({RoiEditEntry{pixel_roi("a", 1, 1, 1), 0}, RoiEditEntry{pixel_roi("b", 2, 2, 2), 1},
                      RoiEditEntry{pixel_roi("c", 3, 3, 3), {}}});
  try {
    pipeline.install_edit(std::move(stale));
    ADD_FAILURE() << "a stale edit was installed";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "the edit was prepared for version 0 of the ROI set, which is now version 1");
  }
  EXPECT_EQ(pipeline.roi_count(), 3u);
}

// The costly half runs on another thread while frames go on; the result is the same as
// an edit made in one step.
TEST(PipelineEdit, AnEditPreparedOnAnotherThreadEqualsOneMadeInOneStep) {
  const auto movie = random_movie<std::uint16_t>(9);
  Pipeline one_step(two_rois(), kShape, PixelType::kU16);
  Pipeline two_steps(two_rois(), kShape, PixelType::kU16);
  for (int t = 0; t < 20; ++t) one_step.push(FrameView<std::uint16_t>(movie[t].data(), kShape));
  RoiSettings ringed = pixel_roi("ringed", 10, 10, 3);
  ringed.neuropil.source = NeuropilSettings::Source::kRing;
  ringed.neuropil.ring.min_pixels = 20;
  const RoiSetEdit edit{RoiEditEntry{pixel_roi("b", 2, 2, 2), 1}, RoiEditEntry{ringed, {}}};
  std::optional<Pipeline::PreparedEdit> prepared;
  std::thread preparing([&, base = two_steps.layout()] {
    prepared.emplace(Pipeline::prepare_edit(base, edit, kShape, PixelType::kU16));
  });
  for (int t = 0; t < 20; ++t) two_steps.push(FrameView<std::uint16_t>(movie[t].data(), kShape));
  preparing.join();
  two_steps.install_edit(std::move(*prepared));
  one_step.edit_rois(edit);
  EXPECT_EQ(two_steps.neuropil_region(1)->pixels(), one_step.neuropil_region(1)->pixels());
  for (int t = 20; t < kFrames; ++t) {
    const FrameView<std::uint16_t> frame(movie[t].data(), kShape);
    const FrameResult expected = one_step.push(frame);
    const FrameResult& actual = two_steps.push(frame);
    EXPECT_EQ(actual.f, expected.f);
    EXPECT_EQ(actual.fneu, expected.fneu);
    EXPECT_EQ(actual.f0, expected.f0);
    EXPECT_EQ(actual.roi_set_version, expected.roi_set_version);
  }
}

}  // namespace
}  // namespace calmon
