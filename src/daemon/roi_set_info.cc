// roi_set_info.cc — RoiSetInfo from a Pipeline or from settings; see the header.
#include "daemon/roi_set_info.h"

#include <algorithm>

#include "core/baseline.h"

namespace calmon::daemon {

namespace {

void add_roi(const RoiSettings& roi, const std::optional<Region>& neuropil, pb::RoiSetInfo& info) {
  pb::RoiInfo* entry = info.add_rois();
  entry->set_name(roi.name);
  *entry->mutable_region() = to_wire_region(roi.region);
  if (neuropil) *entry->mutable_neuropil() = to_wire_region(*neuropil);
  entry->set_baseline(roi.baseline.describe());
  entry->set_neuropil_source(roi.neuropil.describe());
}

}  // namespace

pb::Region to_wire_region(const Region& region) {
  pb::Region wire;
  const Rect& box = region.rect();
  switch (region.kind()) {
    case Region::Kind::kPixel:
      wire.mutable_pixel()->set_x(box.xmin);
      wire.mutable_pixel()->set_y(box.ymin);
      break;
    case Region::Kind::kRect: {
      pb::Rect* rect = wire.mutable_rect();
      rect->set_xmin(box.xmin);
      rect->set_xmax(box.xmax);
      rect->set_ymin(box.ymin);
      rect->set_ymax(box.ymax);
      break;
    }
    case Region::Kind::kMask: {
      pb::Mask* mask = wire.mutable_mask();
      const bool weighted = !region.unit_weights();
      for (const WeightedPixel& pixel : region.mask_pixels()) {
        mask->add_x(pixel.x);
        mask->add_y(pixel.y);
        if (weighted) mask->add_weight(pixel.weight);
      }
      break;
    }
  }
  return wire;
}

void describe_roi_set(const Pipeline& pipeline, pb::RoiSetInfo& info) {
  info.Clear();
  info.set_version(pipeline.roi_set_version());
  info.set_settled_lag(pipeline.settled_lag());
  const std::vector<RoiSettings>& rois = pipeline.settings().rois;
  for (std::size_t i = 0; i < rois.size(); ++i) add_roi(rois[i], pipeline.neuropil_region(i), info);
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
