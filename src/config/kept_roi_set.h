// kept_roi_set.h — the ROI set calmond keeps in its state folder, as a file.
//
// `<folder>/rois.json` is calmon's ROI-set JSON, each ROI with its own neuropil and
// baseline (roi_files.h), so that it reproduces the set whatever analysis config reads
// it. It is replaced whole and on disk (io/durable_files.h): a crash at any moment leaves
// the old set or the new one. The thread that writes it is the daemon's
// (daemon/roi_set_keeper.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "calmon/config.pb.h"
#include "core/pipeline_settings.h"

namespace calmon::config {

// The file the set is kept in.
std::string kept_roi_set_file(const std::string& folder);

// Creates `folder` if it is missing; throws calmon::Error "state folder ...: ..." if it cannot.
void make_state_folder(const std::string& folder);

// The set kept in `folder`; nullopt when it keeps none yet. Throws calmon::Error naming
// the file when it cannot be read.
std::optional<pb::RoiSet> read_kept_roi_set(const std::string& folder);

// Replaces the kept set with `rois`; throws calmon::Error naming the file if it cannot.
void write_kept_roi_set(const std::string& folder, const std::vector<RoiSettings>& rois);

}  // namespace calmon::config
