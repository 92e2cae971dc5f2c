// roi_files.h — ROI sets in and out of files sent over the control API and the dashboard.
//
// A request can carry ROI files (RoiFiles: each file's name and bytes, as uploaded), and
// ask for the current set as one (RoiExport). The files' names say their format, as for
// calmon-rois (roi_formats.h): `.json` is calmon's ROI set (`{"rois": [...]}`, or an
// analysis config, whose ROIs are taken), `.roi` and `.zip` ImageJ's, `stat.npy` Suite2p's
// with its companions (`iscell.npy`, `ops.npy`) sent beside it, `.hdf5`/`.h5` CaImAn's.
// Files other than JSON are read by path: they are written to a private temporary
// folder, read there with calmon-rois's defaults (Suite2p's cells by iscell.npy, every
// CaImAn footprint pixel), and the folder is removed; errors name the file as it was sent.
//
// The set read is what a set_rois would carry: names, regions and ids, with the
// neuropil and baseline a file gives. Exported, each ROI has its id, its own neuropil and
// its baseline spelled out (roi_message.h), so the JSON file reproduces the set; a
// RoiSet.zip holds the regions and names only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calmon/config.pb.h"
#include "calmon/wire.pb.h"
#include "core/frame_view.h"
#include "core/pipeline_settings.h"

namespace calmon::config {

// Throws calmon::Error "<file name>: <why>" (one line) if the files hold no ROI set
// calmon reads. What the readers warn of is appended to `warnings`, one line each.
// `frame`, when known, is the frame every ROI must lie in (and a Suite2p folder's own).
pb::RoiSet read_roi_files(const pb::RoiFiles& files, std::optional<FrameShape> frame,
                          std::vector<std::string>& warnings);

// The ROI set as a file of `format` ("json", or "zip": ImageJ's RoiSet.zip); throws
// calmon::Error for another format. What the format cannot hold is appended to `warnings`.
pb::RoiFile write_roi_file(const std::vector<RoiSettings>& rois, std::string_view format,
                           std::vector<std::string>& warnings);

}  // namespace calmon::config
