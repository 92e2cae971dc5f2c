// roi_message_test.cc — an ROI's settings written back as a config message read again
// give the same settings, whatever defaults the reading config has.
#include "config/roi_message.h"

#include <gtest/gtest.h>

#include "config/config_file.h"

namespace calmon::config {
namespace {

// Defaults unlike every ROI below, so that a field left out of the message would show.
pb::Config other_defaults() {
  return parse_config(R"({"neuropil": {"global": "MIN", "r": 0.3},
                          "baseline": {"maximin": {"window": 7, "sigma": 2}}})",
                      "defaults.json");
}

void expect_same(const RoiSettings& a, const RoiSettings& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.region.describe(), b.region.describe());
  EXPECT_EQ(a.region.pixels(), b.region.pixels());
  EXPECT_EQ(a.neuropil.describe(), b.neuropil.describe());
  EXPECT_EQ(a.neuropil.source, b.neuropil.source);
  if (a.neuropil.source != NeuropilSettings::Source::kNone) {
    EXPECT_EQ(a.neuropil.r, b.neuropil.r);
  }
  if (a.neuropil.region) {
    EXPECT_EQ(a.neuropil.region->pixels(), b.neuropil.region->pixels());
  }
  EXPECT_EQ(a.neuropil.ring.inner_gap, b.neuropil.ring.inner_gap);
  EXPECT_EQ(a.neuropil.ring.min_pixels, b.neuropil.ring.min_pixels);
  EXPECT_EQ(a.baseline.kind, b.baseline.kind);
  EXPECT_EQ(a.baseline.window, b.baseline.window);
  EXPECT_EQ(a.baseline.sigma, b.baseline.sigma);
  EXPECT_EQ(a.baseline.quantile.is_median(), b.baseline.quantile.is_median());
  EXPECT_EQ(a.baseline.quantile.percentile_value(), b.baseline.quantile.percentile_value());
  EXPECT_EQ(a.baseline.describe(), b.baseline.describe());
}

TEST(RoiMessage, EveryKindOfRoiReadsBackTheSame) {
  const pb::Config config = parse_config(R"({
    "neuropil": {"ring": {}},
    "rois": [
      {"name": "px", "region": {"pixel": {"x": 21, "y": 25}},
       "neuropil": {"region": {"pixel": {"x": 20, "y": 28}}, "r": 1.0},
       "baseline": {"cumulative": {"percentile": 10}}},
      {"name": "box", "region": {"rect": {"xmin": 15, "xmax": 35, "ymin": 20, "ymax": 35}},
       "neuropil": {"ring": {"inner_gap": 3, "min_pixels": 99}},
       "baseline": {"moving": {"window": 201, "percentile": 8}}},
      {"name": "blob", "region": {"mask": {"x": [1, 2], "y": [3, 3], "weight": [0.5, 1.5]}},
       "neuropil": {"global": "MEDIAN", "r": 0.2},
       "baseline": {"maximin": {"window": 60, "sigma": 10}}},
      {"name": "plain", "region": {"mask": {"x": [4, 5], "y": [6, 6]}},
       "neuropil": {}, "baseline": {"cumulative": {"mean": true}}},
      {"name": "defaults", "region": {"pixel": {"x": 1, "y": 1}}},
      {"name": "median", "region": {"pixel": {"x": 2, "y": 1}}, "baseline": {"cumulative": {}}},
      {"name": "moving median", "region": {"pixel": {"x": 3, "y": 1}}, "baseline": {"moving": {"window": 5}}}
    ]})",
                                         "rois.json");
  const PipelineSettings original = to_pipeline_settings(config);
  const pb::RoiSet written = to_config_roi_set(original.rois);
  ASSERT_EQ(written.rois_size(), static_cast<int>(original.rois.size()));
  const pb::Config defaults = other_defaults();
  for (std::size_t i = 0; i < original.rois.size(); ++i) {
    SCOPED_TRACE(original.rois[i].name);
    expect_same(original.rois[i], to_roi_settings(written.rois(static_cast<int>(i)), i, defaults));
  }
  // The ring is written as its parameters; the config's default ring came out explicit.
  EXPECT_TRUE(written.rois(4).neuropil().has_ring());
  EXPECT_EQ(written.rois(4).neuropil().ring().min_pixels(), 350);
}

}  // namespace
}  // namespace calmon::config
