// projection_files.cc — one .npy and one .tif per image; see the header.
#include "io/projection_files.h"

#include "io/npy_writer.h"
#include "io/tiff_writer.h"

namespace calmon::io {

void write_image(const std::string& path_without_extension, const Image& image) {
  const std::span<const double> pixels(image.pixels.data(), image.pixels.size());
  write_npy<double>(path_without_extension + ".npy", pixels,
                    {static_cast<std::size_t>(image.shape.height), static_cast<std::size_t>(image.shape.width)});
  write_tiff_float32(path_without_extension + ".tif", image.shape, pixels);
}

void write_projections(const std::string& directory, const ProjectionSet& projections,
                       std::span<const std::int64_t> kept_frames) {
  for (std::size_t i = 0; i < projections.size(); ++i) {
    const ProjectionSpec& spec = projections.spec(i);
    if (projections.frame_count(i) == 0) continue;
    for (ProjectionStat stat : spec.stats) {  // filled in by ProjectionSet: never empty
      write_image(directory + "/" + spec.name + "_" + std::string(projection_stat_name(stat)),
                  projections.image(i, stat));
    }
  }
  for (std::int64_t t : kept_frames) {
    if (const std::optional<Image> frame = projections.kept_frame(t)) {
      write_image(directory + "/frame_" + std::to_string(t), *frame);
    }
  }
}

}  // namespace calmon::io
