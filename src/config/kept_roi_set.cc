// kept_roi_set.cc — the state folder's rois.json; see the header.
#include "config/kept_roi_set.h"

#include <filesystem>
#include <system_error>

#include "config/config_file.h"
#include "config/json_message.h"
#include "config/roi_files.h"
#include "core/error.h"
#include "io/durable_files.h"

namespace calmon::config {

std::string kept_roi_set_file(const std::string& folder) {
  return (std::filesystem::path(folder) / "rois.json").string();
}

void make_state_folder(const std::string& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error || !std::filesystem::is_directory(folder)) {
    throw Error("state folder " + folder + ": cannot create it" + (error ? ": " + error.message() : std::string()));
  }
}

std::optional<pb::RoiSet> read_kept_roi_set(const std::string& folder) {
  const std::string file = kept_roi_set_file(folder);
  if (!std::filesystem::exists(file)) return std::nullopt;
  return parse_roi_set(read_text_file(file), file);
}

void write_kept_roi_set(const std::string& folder, const std::vector<RoiSettings>& rois) {
  std::vector<std::string> no_warnings;  // calmon's JSON holds everything
  io::write_file_durably(kept_roi_set_file(folder), write_roi_file(rois, "json", no_warnings).data());
}

}  // namespace calmon::config
