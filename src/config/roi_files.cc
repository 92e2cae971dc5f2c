// roi_files.cc — ROI files as bytes ↔ the format table's path-based readers and writers;
// see the header.
#include "config/roi_files.h"

#include <fstream>
#include <iterator>
#include <set>

#include "config/config_file.h"
#include "config/json_message.h"
#include "config/roi_formats.h"
#include "config/roi_import.h"
#include "config/roi_message.h"
#include "core/error.h"
#include "io/temporary_folder.h"

namespace calmon::config {

namespace {

constexpr int kMaxFiles = 8;

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

// A file name a request may use: a name only, no folder.
void check_file_name(const std::string& name) {
  if (name.empty()) throw Error("import_rois: a file without a name (its name says its format)");
  if (name.find('/') != std::string::npos || name.find('\0') != std::string::npos || name == "." || name == "..") {
    throw Error("import_rois: '" + name + "' is not a file name (no folders)");
  }
}

// "<folder>/stat.npy: ..." → "stat.npy: ...": the reader's words, about the file as sent.
std::string without_folder(std::string text, const std::string& folder) {
  const std::string prefix = folder + "/";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
    text.erase(at, prefix.size());
  }
  return text;
}

void take_warnings(const std::vector<std::string>& lines, const std::string& folder, std::vector<std::string>& into) {
  for (const std::string& line : lines) into.push_back(without_folder(line, folder));
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in && !in.eof()) throw Error(path + ": cannot read it back");
  return bytes;
}

}  // namespace

pb::RoiSet read_roi_files(const pb::RoiFiles& files, std::optional<FrameShape> frame,
                          std::vector<std::string>& warnings) {
  if (files.files_size() == 0) throw Error("import_rois: no file");
  if (files.files_size() > kMaxFiles) {
    throw Error("import_rois: " + std::to_string(files.files_size()) + " files; at most " + std::to_string(kMaxFiles) +
                " make one ROI set");
  }
  std::set<std::string> names;
  std::vector<std::string> read;  // the files read on their own, in the order sent
  for (const pb::RoiFile& file : files.files()) {
    check_file_name(file.name());
    if (!names.insert(file.name()).second) throw Error("import_rois: '" + file.name() + "' is sent twice");
    if (is_companion_file(file.name())) continue;
    try {
      format_of(file.name(), false);
    } catch (const Error& e) {
      throw Error(std::string(e.what()) + " (or a Suite2p companion: iscell.npy, ops.npy)");
    }
    read.push_back(file.name());
  }
  if (read.empty()) {
    throw Error("import_rois: " + files.files(0).name() + " is read only beside the file it belongs to (stat.npy)");
  }
  if (read.size() == 1 && read.front().ends_with(".json") && files.files_size() == 1) {
    return read_json_rois(files.files(0));
  }

  const io::TemporaryFolder folder("calmon-import-");
  std::vector<std::string> paths;
  for (const pb::RoiFile& file : files.files()) {
    std::ofstream out(folder.file(file.name()), std::ios::binary);
    out.write(file.data().data(), static_cast<std::streamsize>(file.data().size()));
    out.close();
    if (!out) throw Error("import_rois: cannot write " + file.name() + " to a temporary folder");
  }
  for (const std::string& name : read) paths.push_back(folder.file(name));
  std::vector<std::string> reader_warnings;
  ImportContext context;
  context.warnings = &reader_warnings;
  context.frame = frame;
  try {
    pb::RoiSet set = import_rois(paths, context);
    take_warnings(reader_warnings, folder.path(), warnings);
    return set;
  } catch (const Error& e) {
    throw Error(without_folder(e.what(), folder.path()));
  }
}

pb::RoiFile write_roi_file(const std::vector<RoiSettings>& rois, std::string_view format,
                           std::vector<std::string>& warnings) {
  pb::RoiFile file;
  if (format == "json") {
    file.set_name("rois.json");
    file.set_data(print_json_message(to_config_roi_set(rois), {.indented = true, .defaults = false}));
    return file;
  }
  if (format == "zip") {
    const io::TemporaryFolder folder("calmon-export-");
    const std::string path = folder.file("RoiSet.zip");
    std::vector<std::string> writer_warnings;
    try {
      format_of(path, true).write(to_config_roi_set(rois), path, writer_warnings);
    } catch (const Error& e) {
      throw Error("export_rois: " + without_folder(e.what(), folder.path()));
    }
    take_warnings(writer_warnings, folder.path(), warnings);
    file.set_name("RoiSet.zip");
    file.set_data(read_bytes(path));
    return file;
  }
  throw Error("export_rois: format '" + std::string(format) + "' is not one calmon writes (json, zip)");
}

}  // namespace calmon::config
