// roi_formats.cc — the table of ROI file formats; see the header.
#include "config/roi_formats.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "config/caiman_format.h"
#include "config/config_file.h"
#include "config/imagej_format.h"
#include "config/json_message.h"
#include "config/suite2p_format.h"
#include "core/error.h"

namespace calmon::config {
namespace {

// calmon's own JSON: a config or an ROI set ({"rois": [...]}, which reads as a config too).
std::vector<pb::Roi> read_calmon_json(const std::string& path, const ImportContext& /*context*/) {
  const pb::Config config = config::load_config(path);
  return {config.rois().begin(), config.rois().end()};
}

void write_calmon_json(const pb::RoiSet& rois, const std::string& path, std::vector<std::string>& /*warnings*/) {
  const std::string text = config::print_json_message(rois, {.indented = false, .defaults = false});
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(path + ": cannot create the file");
  out << text << "\n";
  out.close();
  if (!out) throw Error(path + ": write error");
}

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string known_suffixes(bool for_writing) {
  std::string list;
  for (const RoiFormat& format : roi_formats()) {
    if (for_writing ? !format.write : !format.read) continue;
    for (std::string_view suffix : format.suffixes) list += (list.empty() ? "" : ", ") + std::string(suffix);
  }
  return list;
}

}  // namespace

const std::vector<RoiFormat>& roi_formats() {
  static const std::vector<RoiFormat> formats = {
      {"ImageJ ROI", {".roi"}, read_imagej_file, {}},
      {"ImageJ RoiSet.zip", {".zip"}, read_imagej_file, write_imagej_roi_set_file},
      {"calmon JSON (config or ROI set)", {".json"}, read_calmon_json, write_calmon_json},
      {"Suite2p stat.npy (with iscell.npy, ops.npy beside it)",
       {"stat.npy"},
       read_suite2p_file,
       {},
       {"iscell.npy", "ops.npy", "db.npy", "reg_outputs.npy"}},
      {"CaImAn cnm.save() HDF5", {".hdf5", ".h5"}, read_caiman_file, {}},
  };
  return formats;
}

bool is_companion_file(std::string_view name) {
  const std::string lowered = lower(name);
  for (const RoiFormat& format : roi_formats()) {
    for (std::string_view companion : format.companions) {
      if (lowered == companion) return true;
    }
  }
  return false;
}

const RoiFormat& format_of(const std::string& path, bool for_writing) {
  const std::string name = lower(path);
  for (const RoiFormat& format : roi_formats()) {
    for (std::string_view suffix : format.suffixes) {
      if (!name.ends_with(suffix)) continue;
      if (for_writing && !format.write) {
        throw Error(path + ": calmon cannot write " + std::string(format.name) + " files; it writes " +
                    known_suffixes(true));
      }
      if (!for_writing && !format.read) {
        throw Error(path + ": calmon cannot read " + std::string(format.name) + " files");
      }
      return format;
    }
  }
  throw Error(path + ": unknown ROI file format; the name must end in " + known_suffixes(for_writing));
}

std::string describe_formats() {
  std::string text;
  for (const RoiFormat& format : roi_formats()) {
    std::string suffixes;
    for (std::string_view suffix : format.suffixes) suffixes += (suffixes.empty() ? "" : " ") + std::string(suffix);
    std::string ways;
    if (format.read) ways = "import";
    if (format.write) ways += ways.empty() ? "export" : ", export";
    text += "  " + suffixes + std::string(suffixes.size() < 10 ? 10 - suffixes.size() : 1, ' ') +
            std::string(format.name) + " (" + ways + ")\n";
  }
  return text;
}

}  // namespace calmon::config
