// projection_files.h — projections and kept frames written as images numpy and Fiji open.
//
// Every image is written twice: `<name>.npy` in float64, the exact numbers (what the
// golden tests compare with numpy), and `<name>.tif` in float32 for Fiji and viewers.
// Projections are named `<projection>_<stat>` (all_mean, frames_100_500_max, ...);
// kept frames `frame_<index>`.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/image.h"
#include "core/projection_set.h"

namespace calmon::io {

void write_image(const std::string& path_without_extension, const Image& image);

// Writes every projection that has frames, and the kept frames listed, into `directory`.
void write_projections(const std::string& directory, const ProjectionSet& projections,
                       std::span<const std::int64_t> kept_frames);

}  // namespace calmon::io
