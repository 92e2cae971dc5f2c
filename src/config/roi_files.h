// roi_files.h — ROI sets in and out of files sent over the control API and the dashboard.
//
// A request can carry an ROI file (RoiFiles: each file's name and bytes, as uploaded),
// and ask for the current set as one (RoiExport). The file's name says its format:
// `.json` is calmon's ROI set (`{"rois": [...]}`, or an analysis config, whose ROIs are
// taken). The set read is what a set_rois would carry: names and regions, with the
// neuropil and baseline a file gives. Exported, each ROI has its own neuropil and
// baseline spelled out (roi_message.h), so the file reproduces the set.
#pragma once

#include <string_view>
#include <vector>

#include "calmon/config.pb.h"
#include "calmon/wire.pb.h"
#include "core/pipeline_settings.h"

namespace calmon::config {

// Throws calmon::Error "<file name>: <why>" (one line) if the files hold no ROI set
// calmon reads.
pb::RoiSet read_roi_files(const pb::RoiFiles& files);

// The ROI set as a file of `format` ("json"); throws calmon::Error for another format.
pb::RoiFile write_roi_file(const std::vector<RoiSettings>& rois, std::string_view format);

}  // namespace calmon::config
