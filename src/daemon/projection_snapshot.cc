// projection_snapshot.cc — ProjectionSet images into a ProjectionSnapshot; see the header.
#include "daemon/projection_snapshot.h"

#include <string>

namespace calmon::daemon {

namespace {

void add_image(const std::string& name, const Image& image, std::int64_t frames, pb::ProjectionSnapshot& snapshot) {
  pb::Image* wire = snapshot.add_images();
  wire->set_name(name);
  wire->set_width(static_cast<std::uint32_t>(image.shape.width));
  wire->set_height(static_cast<std::uint32_t>(image.shape.height));
  wire->mutable_pixels()->Assign(image.pixels.begin(), image.pixels.end());
  wire->set_frames(frames);
}

}  // namespace

void add_projection_images(const ProjectionSet& projections, const LocalCorrelation* correlation, AnyFrameView latest,
                           const std::vector<std::int64_t>& kept_frames, pb::ProjectionSnapshot& snapshot) {
  snapshot.Clear();
  for (std::size_t i = 0; i < projections.size(); ++i) {
    const std::int64_t frames = projections.frame_count(i);
    if (frames == 0) continue;
    const ProjectionSpec& spec = projections.spec(i);
    for (ProjectionStat stat : spec.stats) {  // filled in by ProjectionSet: never empty
      add_image(spec.name + "_" + std::string(projection_stat_name(stat)), projections.image(i, stat), frames,
                snapshot);
    }
  }
  if (projections.frames_seen() == 0) return;
  if (latest.data() != nullptr) add_image("latest", image_of(latest), 1, snapshot);
  if (correlation) add_image("correlation", correlation->image(), correlation->frames(), snapshot);
  for (std::int64_t t : kept_frames) {
    if (const std::optional<Image> frame = projections.kept_frame(t))
      add_image("frame_" + std::to_string(t), *frame, 1, snapshot);
  }
}

void add_reference_image(const Image& reference, std::int64_t frames, pb::ProjectionSnapshot& snapshot) {
  add_image("reference", reference, frames, snapshot);
}

}  // namespace calmon::daemon
