// snapshot_files.cc — images written under temporary names, then renamed into place.
#include "snapshot_files.h"

#include <filesystem>

#include "core/image.h"
#include "io/file_name_rule.h"
#include "io/projection_files.h"

namespace calmon::record_tool {

std::vector<std::string> write_snapshot(const std::string& directory, const pb::ProjectionSnapshot& snapshot,
                                        std::vector<std::string>& warnings) {
  std::vector<std::string> written;
  for (const pb::Image& wire : snapshot.images()) {
    if (!io::is_valid_file_name(wire.name())) {
      warnings.push_back("projection image named " + io::quoted_name(wire.name()) +
                         " skipped: names of files must be " + std::string(io::kFileNameRule));
      continue;
    }
    const std::size_t expected = std::size_t{wire.width()} * std::size_t{wire.height()};
    if (expected == 0 || static_cast<std::size_t>(wire.pixels_size()) != expected) {
      warnings.push_back("projection image '" + wire.name() + "' skipped: " + std::to_string(wire.pixels_size()) +
                         " pixels for " + std::to_string(wire.width()) + "x" + std::to_string(wire.height()));
      continue;
    }
    Image image;
    image.shape = FrameShape{static_cast<int>(wire.width()), static_cast<int>(wire.height())};
    image.pixels.assign(wire.pixels().begin(), wire.pixels().end());
    const std::string temporary = directory + "/." + wire.name() + ".partial";
    io::write_image(temporary, image);
    for (const char* extension : {".npy", ".tif"}) {
      std::filesystem::rename(temporary + extension, directory + "/" + wire.name() + extension);
    }
    written.push_back(wire.name());
  }
  return written;
}

}  // namespace calmon::record_tool
