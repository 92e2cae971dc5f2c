// roi_files.cc — ROI files by name: which reader, which writer; see the header.
#include "config/roi_files.h"

#include <string>

#include "config/config_file.h"
#include "config/json_message.h"
#include "config/roi_message.h"
#include "core/error.h"

namespace calmon::config {

namespace {

bool ends_with(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

// calmon's ROI set, or an analysis config's ROIs.
pb::RoiSet read_json_rois(const pb::RoiFile& file) {
  try {
    return parse_roi_set(file.data(), file.name());
  } catch (const Error& as_roi_set) {
    try {
      pb::RoiSet set;
      *set.mutable_rois() = parse_config(file.data(), file.name()).rois();
      return set;
    } catch (const Error&) {
      throw as_roi_set;  // neither: say what is wrong with it as an ROI set
    }
  }
}

}  // namespace

pb::RoiSet read_roi_files(const pb::RoiFiles& files) {
  if (files.files_size() == 0) throw Error("import_rois: no file");
  const pb::RoiFile& first = files.files(0);
  if (files.files_size() == 1 && ends_with(first.name(), ".json")) return read_json_rois(first);
  if (files.files_size() > 1) {
    throw Error("import_rois: " + std::to_string(files.files_size()) + " files (" + first.name() + ", " +
                files.files(1).name() + ", ...) are not one ROI set calmon reads");
  }
  throw Error(first.name() + ": not an ROI file calmon reads (calmon's .json)");
}

pb::RoiFile write_roi_file(const std::vector<RoiSettings>& rois, std::string_view format) {
  pb::RoiFile file;
  if (format == "json") {
    file.set_name("rois.json");
    file.set_data(print_json_message(to_config_roi_set(rois), {.indented = true, .defaults = false}));
    return file;
  }
  throw Error("export_rois: format '" + std::string(format) + "' is not json");
}

}  // namespace calmon::config
