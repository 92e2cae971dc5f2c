// roi_description.h — rois.json for a recording, from the daemon's RoiSetInfo.
//
// calmon-analyze describes each trace column in rois.json as {index, name, region,
// neuropil, neuropil_pixels, baseline} plus the movie's frames, width, height and pixel
// type. The recorder writes the same keys, from what the wire carries: the region
// described as calmon-analyze describes it ("rectangle x 15:35, y 20:35"); the neuropil
// in calmon-analyze's words too ("ring, r = 0.7"), from the source the daemon sends with
// each ROI; and, in addition, each region as protobuf JSON ("region_spec",
// "neuropil_spec": a ring as the pixels it resolved to), so the exact pixels can be sent
// back to a daemon.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "calmon/wire.pb.h"

namespace calmon::record_tool {

// What the daemon's Status says about the frames, when a Status has arrived.
struct MovieFacts {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::string pixel_type;    // "uint16", ...; empty when unknown
  std::string time_source;   // Status.time_source: where time.npy's seconds come from; "" none
  double frame_rate_hz = 0;  // Status.time_base_rate_hz
};

std::string describe_roi_set(const pb::RoiSetInfo& info, std::int64_t frames, const std::optional<MovieFacts>& movie);

// "pixel (21, 25)", "rectangle x 15:35, y 20:35", "mask of 52 pixels"; "none" if unset.
std::string describe_region(const pb::Region& region);
std::size_t region_pixel_count(const pb::Region& region);

}  // namespace calmon::record_tool
