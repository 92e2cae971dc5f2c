// roi_formats.h — which ROI file formats calmon reads and writes, by file name.
//
// One table, used by calmon-rois and by calmond's import_rois and export_rois. A reader turns one file into calmon ROIs
// (name and region; neuropil and baseline are left to the config that uses them); a writer saves a set. The file name
// picks the row: its end is compared with each row's suffixes, case-insensitively
// (".roi", ".zip", ".json"). A new format is one row in roi_formats.cc and its reader or
// writer in a file of its own, e.g. Suite2p's "stat.npy" and CaImAn's ".hdf5"/".h5".
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "calmon/config.pb.h"
#include "config/roi_import_context.h"

namespace calmon::config {

// Reads `path`; throws calmon::Error "<path>: ..." on anything wrong with it.
using RoiReader = std::function<std::vector<pb::Roi>(const std::string& path, const ImportContext& context)>;
// Writes `rois` to `path`; what the format cannot hold is appended to `warnings`, a line each.
using RoiWriter =
    std::function<void(const pb::RoiSet& rois, const std::string& path, std::vector<std::string>& warnings)>;

struct RoiFormat {
  std::string_view name;                   // "ImageJ ROI", shown in errors and --help
  std::vector<std::string_view> suffixes;  // file name endings, lower case: ".roi"
  RoiReader read;                          // empty: cannot be imported
  RoiWriter write;                         // empty: cannot be exported
  // Files the reader may find beside the one it reads (whole names, lower case:
  // Suite2p's "iscell.npy"), which are sent along with it rather than read on their own.
  std::vector<std::string_view> companions = {};
};

// Every format, in the order --help lists them.
const std::vector<RoiFormat>& roi_formats();

// Whether `name` (a file name, no folder) is one some format reads beside its own file.
bool is_companion_file(std::string_view name);

// The format of `path` by its name; throws calmon::Error "<path>: ..." naming the known
// suffixes when none fits, or when the format cannot be read (`for_writing` false) or
// written (true).
const RoiFormat& format_of(const std::string& path, bool for_writing);

// "  .roi  ImageJ ROI (import)\n..." for the usage text.
std::string describe_formats();

}  // namespace calmon::config
