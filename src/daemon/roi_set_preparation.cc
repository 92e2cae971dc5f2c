// roi_set_preparation.cc — limits, conversion, compilation, description; see the header.
#include "daemon/roi_set_preparation.h"

#include <set>
#include <string>

#include "config/config_file.h"
#include "daemon/roi_set_info.h"

namespace calmon::daemon {

PreparedRoiSet prepare_roi_set(const pb::RoiSet& rois, const pb::Config& defaults, const config::RoiLimits& limits,
                               std::optional<FrameGeometry> geometry) {
  config::check_roi_limits(rois.rois(), defaults, limits);
  PreparedRoiSet prepared;
  prepared.geometry = geometry;
  prepared.rois.reserve(static_cast<std::size_t>(rois.rois_size()));
  std::set<std::string> names;
  for (int i = 0; i < rois.rois_size(); ++i) {
    RoiSettings roi = config::to_roi_settings(rois.rois(i), static_cast<std::size_t>(i), defaults);
    note_roi_name(names, roi.name);
    prepared.rois.push_back(std::move(roi));
  }
  if (geometry) {
    const FrameShape shape{static_cast<int>(geometry->width), static_cast<int>(geometry->height)};
    config::check_ring_limits(prepared.rois, shape, limits);
    prepared.compiled.emplace(Pipeline::prepare_rois(prepared.rois, shape, geometry->pixel_type));
    describe_prepared_rois(*prepared.compiled, prepared.info);
  } else {
    describe_roi_settings(prepared.rois, 0, prepared.info);
  }
  return prepared;
}

}  // namespace calmon::daemon
