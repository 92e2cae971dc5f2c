// roi_description.cc — rois.json from a RoiSetInfo; see the header.
#include "roi_description.h"

#include <google/protobuf/util/json_util.h>

#include "config/region_message.h"
#include "json_text.h"

namespace calmon::record_tool {
namespace {

std::string region_spec(const pb::Region& region) {
  if (region.shape_case() == pb::Region::SHAPE_NOT_SET) return "null";
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;  // a 0 coordinate is written, not left out
  if (!google::protobuf::util::MessageToJsonString(region, &json, options).ok()) return "null";
  return json;
}

}  // namespace

std::string describe_region(const pb::Region& region) {
  const std::optional<Region> core = config::to_core_region(region);
  return core ? core->describe() : "none";
}

std::size_t region_pixel_count(const pb::Region& region) {
  const std::optional<Region> core = config::to_core_region(region);
  return core ? core->pixel_count() : 0;
}

std::string describe_roi_set(const pb::RoiSetInfo& info, std::int64_t frames, const std::optional<MovieFacts>& movie) {
  std::string json = "{\n  \"rois\": [\n";
  const int count = info.rois_size();
  for (int i = 0; i < count; ++i) {
    const pb::RoiInfo& roi = info.rois(i);
    json += "    {\"index\": " + std::to_string(i) + ", \"name\": " + json_string(roi.name()) +
            ", \"region\": " + json_string(describe_region(roi.region())) +
            ", \"neuropil\": " + json_string(roi.neuropil_source()) +
            ", \"neuropil_pixels\": " + std::to_string(region_pixel_count(roi.neuropil())) +
            ", \"baseline\": " + json_string(roi.baseline()) + ", \"region_spec\": " + region_spec(roi.region()) +
            ", \"neuropil_spec\": " + region_spec(roi.neuropil()) + "}" + (i + 1 < count ? ",\n" : "\n");
  }
  json += "  ],\n  \"frames\": " + std::to_string(frames);
  if (movie) {
    json += ",\n  \"width\": " + std::to_string(movie->width) + ",\n  \"height\": " + std::to_string(movie->height) +
            ",\n  \"pixel_type\": " + json_string(movie->pixel_type);
  }
  json += ",\n  \"roi_set_version\": " + std::to_string(info.version()) +
          ",\n  \"settled_lag\": " + std::to_string(info.settled_lag()) + "\n}\n";
  return json;
}

}  // namespace calmon::record_tool
