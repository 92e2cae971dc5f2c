// roi_limits.cc — counting ROIs and region pixels in the messages; see the header.
#include "config/roi_limits.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/error.h"

namespace calmon::config {

namespace {

// The pixels a region message names; 0 for nonsense (a negative size), left to validation.
std::uint64_t pixel_count(const pb::Region& region) {
  switch (region.shape_case()) {
    case pb::Region::kPixel: return 1;
    case pb::Region::kRect: {
      const pb::Rect& r = region.rect();
      const std::int64_t width = std::int64_t{r.xmax()} - r.xmin();
      const std::int64_t height = std::int64_t{r.ymax()} - r.ymin();
      return width > 0 && height > 0 ? static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) : 0;
    }
    case pb::Region::kMask:
      return static_cast<std::uint64_t>(std::max(region.mask().x_size(), region.mask().y_size()));
    case pb::Region::SHAPE_NOT_SET: break;
  }
  return 0;
}

std::string limit_text(const RoiLimits& limits) {
  return "the limit is " + std::to_string(limits.max_roi_pixels) + " per region (--max-roi-pixels)";
}

void check_neuropil(const pb::Neuropil& neuropil, const std::string& owner, const RoiLimits& limits) {
  if (!neuropil.has_region()) return;
  const std::uint64_t pixels = pixel_count(neuropil.region());
  if (pixels > limits.max_roi_pixels) {
    throw Error(owner + ": neuropil region of " + std::to_string(pixels) + " pixels; " + limit_text(limits));
  }
}

}  // namespace

void check_roi_limits(const google::protobuf::RepeatedPtrField<pb::Roi>& rois, const RoiLimits& limits) {
  if (static_cast<std::size_t>(rois.size()) > limits.max_rois) {
    throw Error(std::to_string(rois.size()) + " ROIs; the limit is " + std::to_string(limits.max_rois) +
                " per set (--max-rois)");
  }
  for (int i = 0; i < rois.size(); ++i) {
    const pb::Roi& roi = rois.Get(i);
    const std::string owner = "ROI '" + roi.name() + "'";
    const std::uint64_t pixels = pixel_count(roi.region());
    if (pixels > limits.max_roi_pixels) {
      throw Error(owner + ": region of " + std::to_string(pixels) + " pixels; " + limit_text(limits));
    }
    check_neuropil(roi.neuropil(), owner, limits);
  }
}

void check_roi_limits(const pb::Config& config, const RoiLimits& limits) {
  check_roi_limits(config.rois(), limits);
  check_neuropil(config.neuropil(), "default neuropil", limits);
}

void check_ring_limits(const std::vector<RoiSettings>& rois, FrameShape shape, const RoiLimits& limits) {
  const std::uint64_t frame_pixels = std::uint64_t(std::max(shape.width, 0)) * std::uint64_t(std::max(shape.height, 0));
  for (const RoiSettings& roi : rois) {
    if (roi.neuropil.source != NeuropilSettings::Source::kRing) continue;
    const std::uint64_t pixels =
        std::min<std::uint64_t>(frame_pixels, static_cast<std::uint64_t>(std::max(roi.neuropil.ring.min_pixels, 0)));
    if (pixels > limits.max_roi_pixels) {
      throw Error("ROI '" + roi.name + "': neuropil ring of up to " + std::to_string(pixels) + " pixels in " +
                  std::to_string(shape.width) + "x" + std::to_string(shape.height) + " frames; " +
                  limit_text(limits));
    }
  }
}

}  // namespace calmon::config
