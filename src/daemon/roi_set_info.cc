// roi_set_info.cc — RoiSetInfo from a Pipeline or from settings; see the header.
#include "daemon/roi_set_info.h"

#include <algorithm>

#include "config/region_message.h"
#include "core/baseline.h"

namespace calmon::daemon {

namespace {

void add_roi(const RoiSettings& roi, const std::optional<Region>& neuropil, pb::RoiSetInfo& info) {
  pb::RoiInfo* entry = info.add_rois();
  entry->set_name(roi.name);
  entry->set_id(roi.id);
  *entry->mutable_region() = config::to_wire_region(roi.region);
  if (neuropil) *entry->mutable_neuropil() = config::to_wire_region(*neuropil);
  entry->set_baseline(roi.baseline.describe());
  entry->set_neuropil_source(roi.neuropil.describe());
}

}  // namespace

void describe_roi_set(const Pipeline& pipeline, pb::RoiSetInfo& info) {
  info.Clear();
  info.set_version(pipeline.roi_set_version());
  info.set_settled_lag(pipeline.settled_lag());
  const std::vector<RoiSettings>& rois = pipeline.settings().rois;
  for (std::size_t i = 0; i < rois.size(); ++i) add_roi(rois[i], pipeline.neuropil_region(i), info);
}

void describe_prepared_rois(const Pipeline::PreparedRois& prepared, pb::RoiSetInfo& info) {
  info.Clear();
  info.set_settled_lag(prepared.settled_lag());
  const std::vector<RoiSettings>& rois = prepared.rois();
  for (std::size_t i = 0; i < rois.size(); ++i) add_roi(rois[i], prepared.neuropil_region(i), info);
}

void describe_prepared_edit(const Pipeline::PreparedEdit& edit, pb::RoiSetInfo& info) {
  info.Clear();
  info.set_settled_lag(edit.settled_lag());
  const std::vector<RoiSettings>& rois = edit.rois();
  for (std::size_t i = 0; i < rois.size(); ++i) add_roi(rois[i], edit.neuropil_region(i), info);
}

void describe_roi_settings(const std::vector<RoiSettings>& rois, std::uint32_t version, pb::RoiSetInfo& info) {
  info.Clear();
  info.set_version(version);
  std::int64_t lag = 0;
  for (const RoiSettings& roi : rois) {
    const std::int64_t roi_lag = make_baseline(roi.baseline)->settled_lag();
    lag = (lag < 0 || roi_lag < 0) ? -1 : std::max(lag, roi_lag);
    add_roi(roi, roi.neuropil.region, info);
  }
  info.set_settled_lag(lag);
}

}  // namespace calmon::daemon
