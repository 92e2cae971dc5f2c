// roi_message.cc — RoiSettings → pb::Roi; see the header.
#include "config/roi_message.h"

#include "config/region_message.h"

namespace calmon::config {

namespace {

pb::Neuropil to_config_neuropil(const NeuropilSettings& neuropil) {
  pb::Neuropil message;
  using Source = NeuropilSettings::Source;
  switch (neuropil.source) {
    case Source::kNone: return message;  // no source: no correction, whatever r says
    case Source::kRegion: *message.mutable_region() = to_wire_region(*neuropil.region); break;
    case Source::kRing:
      message.mutable_ring()->set_inner_gap(neuropil.ring.inner_gap);
      message.mutable_ring()->set_min_pixels(neuropil.ring.min_pixels);
      break;
    case Source::kGlobalMean: message.set_global(pb::Neuropil::MEAN); break;
    case Source::kGlobalMedian: message.set_global(pb::Neuropil::MEDIAN); break;
    case Source::kGlobalMin: message.set_global(pb::Neuropil::MIN); break;
  }
  message.set_r(neuropil.r);
  return message;
}

pb::Baseline to_config_baseline(const BaselineSettings& baseline) {
  pb::Baseline message;
  const bool percentile = !baseline.quantile.is_median();
  switch (baseline.kind) {
    case BaselineSettings::Kind::kCumulativeMean: message.mutable_cumulative()->set_mean(true); break;
    case BaselineSettings::Kind::kCumulativeQuantile: {
      pb::CumulativeBaseline* cumulative = message.mutable_cumulative();
      if (percentile) cumulative->set_percentile(baseline.quantile.percentile_value());
      break;
    }
    case BaselineSettings::Kind::kMovingQuantile: {
      pb::MovingBaseline* moving = message.mutable_moving();
      moving->set_window(static_cast<std::int32_t>(baseline.window));
      if (percentile) moving->set_percentile(baseline.quantile.percentile_value());
      break;
    }
    case BaselineSettings::Kind::kMaximin:
      message.mutable_maximin()->set_window(static_cast<std::int32_t>(baseline.window));
      message.mutable_maximin()->set_sigma(baseline.sigma);
      break;
  }
  return message;
}

}  // namespace

pb::Roi to_config_roi(const RoiSettings& roi) {
  pb::Roi message;
  message.set_name(roi.name);
  message.set_id(roi.id);
  *message.mutable_region() = to_wire_region(roi.region);
  *message.mutable_neuropil() = to_config_neuropil(roi.neuropil);
  *message.mutable_baseline() = to_config_baseline(roi.baseline);
  return message;
}

pb::RoiSet to_config_roi_set(const std::vector<RoiSettings>& rois) {
  pb::RoiSet set;
  for (const RoiSettings& roi : rois) *set.add_rois() = to_config_roi(roi);
  return set;
}

}  // namespace calmon::config
