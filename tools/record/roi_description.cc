// roi_description.cc — rois.json from a RoiSetInfo; see the header.
#include "roi_description.h"

#include "calmon/output.pb.h"
#include "config/json_message.h"
#include "config/region_message.h"

namespace calmon::record_tool {

std::string describe_region(const pb::Region& region) {
  const std::optional<Region> core = config::to_core_region(region);
  return core ? core->describe() : "none";
}

std::size_t region_pixel_count(const pb::Region& region) {
  const std::optional<Region> core = config::to_core_region(region);
  return core ? core->pixel_count() : 0;
}

std::string describe_roi_set(const pb::RoiSetInfo& info, std::int64_t frames, const std::optional<MovieFacts>& movie) {
  pb::RoisFile file;
  const int count = info.rois_size();
  for (int i = 0; i < count; ++i) {
    const pb::RoiInfo& roi = info.rois(i);
    pb::RoiColumn& column = *file.add_rois();
    column.set_index(i);
    column.set_name(roi.name());
    if (roi.id() != 0) column.set_id(roi.id());
    column.set_region(describe_region(roi.region()));
    column.set_neuropil(roi.neuropil_source());
    column.set_neuropil_pixels(static_cast<std::int32_t>(region_pixel_count(roi.neuropil())));
    column.set_baseline(roi.baseline());
    // A region with no shape (a global or no neuropil) is left out, not written empty.
    if (roi.region().shape_case() != pb::Region::SHAPE_NOT_SET) *column.mutable_region_spec() = roi.region();
    if (roi.neuropil().shape_case() != pb::Region::SHAPE_NOT_SET) *column.mutable_neuropil_spec() = roi.neuropil();
  }
  file.set_frames(static_cast<double>(frames));
  if (movie) {
    file.set_width(static_cast<std::int32_t>(movie->width));
    file.set_height(static_cast<std::int32_t>(movie->height));
    file.set_pixel_type(movie->pixel_type);
    file.set_time_source(movie->time_source);
    file.set_frame_rate_hz(movie->frame_rate_hz);
  }
  file.set_roi_set_version(info.version());
  file.set_settled_lag(static_cast<std::int32_t>(info.settled_lag()));
  return config::print_json_message(file, {.indented = true});
}

}  // namespace calmon::record_tool
