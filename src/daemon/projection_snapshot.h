// projection_snapshot.h — the "projections" message: every image the session keeps.
//
// Each projection of the ProjectionSet contributes one image per statistic, named
// "<projection>_<stat>" as calmon-analyze names its files (all_mean, last_100_max, ...);
// then "latest" (the last frame, data[-1]), "correlation" (the local-correlation image,
// when computed) and "frame_<t>" for every kept frame that has arrived; with motion
// correction, "reference" too (the image frames are registered onto). A projection
// without frames yet (a range not reached) is left out.
#pragma once

#include <cstdint>
#include <vector>

#include "calmon/wire.pb.h"
#include "core/frame_view.h"
#include "core/image.h"
#include "core/local_correlation.h"
#include "core/projection_set.h"

namespace calmon::daemon {

// Clears `snapshot` and adds the images; frame_index, sequence and time are the caller's.
// `correlation` may be null; `latest` is the last frame pushed (data() null: none).
void add_projection_images(const ProjectionSet& projections, const LocalCorrelation* correlation, AnyFrameView latest,
                           const std::vector<std::int64_t>& kept_frames, pb::ProjectionSnapshot& snapshot);

// Adds the motion-correction reference as the image "reference".
void add_reference_image(const Image& reference, std::int64_t frames, pb::ProjectionSnapshot& snapshot);

}  // namespace calmon::daemon
