// snapshot_files.h — a ProjectionSnapshot's images as files, replaced atomically.
//
// Each image becomes `<name>.npy` (float64, exact) and `<name>.tif` (float32), as
// calmon-analyze writes projections (io::write_image). The recorder rewrites them while
// it runs, so each file is written under a temporary name and renamed over the old one:
// a reader sees the previous snapshot or the new one, never half of either.
#pragma once

#include <string>
#include <vector>

#include "calmon/wire.pb.h"

namespace calmon::record_tool {

// Writes every image of `snapshot` into `directory`; returns the names written. An image
// whose name breaks the rule for file names (io/file_name_rule.h), or whose pixel count
// is not width * height, is skipped with a one-line warning in `warnings`.
std::vector<std::string> write_snapshot(const std::string& directory, const pb::ProjectionSnapshot& snapshot,
                                        std::vector<std::string>& warnings);

}  // namespace calmon::record_tool
