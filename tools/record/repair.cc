// repair.cc — rows past the headers kept, metadata.json's counts set; see the header.
#include "repair.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "durable_files.h"
#include "io/npy_writer.h"
#include "trace_segment.h"

namespace calmon::record_tool {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kLiveFiles = {"F.npy",       "Fneu.npy",     "Fcorr.npy",
                                             "F0_live.npy", "dff_live.npy", "flags_live.npy"};
const std::vector<std::string> kGlobalFiles = {"global_mean.npy", "global_median.npy", "global_min.npy"};
const std::vector<std::string> kSettledFiles = {"F0_settled.npy", "dff_settled.npy", "flags_settled.npy"};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One group of files whose rows are the same frames, cut to the rows all of them hold.
struct GroupRepair {
  std::int64_t rows = 0;
  std::int64_t recovered = 0;
};

GroupRepair repair_group(const std::vector<std::string>& paths) {
  std::size_t whole = std::numeric_limits<std::size_t>::max();
  std::size_t in_headers = std::numeric_limits<std::size_t>::max();
  std::size_t headers_only = std::numeric_limits<std::size_t>::max();  // files whose rows have no bytes
  for (const std::string& path : paths) {
    const io::NpyRowCount count = io::count_npy_rows(path);
    in_headers = std::min(in_headers, count.in_header);
    if (count.row_bytes == 0) {
      headers_only = std::min(headers_only, count.in_header);
    } else {
      whole = std::min(whole, count.whole);
    }
  }
  const std::size_t rows = whole != std::numeric_limits<std::size_t>::max() ? whole : headers_only;
  for (const std::string& path : paths) io::set_npy_rows(path, rows);
  return {static_cast<std::int64_t>(rows), static_cast<std::int64_t>(rows) - static_cast<std::int64_t>(in_headers)};
}

// Rows of a flags file whose every ROI has bit 3 (the recorder never received that
// frame); nullopt for a folder without ROIs, whose flags cannot tell.
std::optional<std::int64_t> rows_not_received(const std::string& path) {
  const io::NpyRowCount count = io::count_npy_rows(path);
  if (count.row_bytes == 0) return std::nullopt;
  const std::string bytes = read_text(path);
  std::int64_t rows = 0;
  for (std::size_t row = 0; row < count.in_header; ++row) {
    const std::string_view flags(bytes.data() + count.header_bytes + row * count.row_bytes, count.row_bytes);
    rows += std::all_of(flags.begin(), flags.end(), [](char f) { return (f & kFlagNotReceived) != 0; });
  }
  return rows;
}

// metadata.json as calmon-record writes it (recording_metadata.cc): one top-level key per
// line, indented by two spaces; in "segments", one line per folder, starting
// `    {"folder": `. The repair changes a few numbers in it and keeps the rest as written.
class MetadataText {
 public:
  MetadataText(const std::string& text, const std::string& path) : path_(path) {
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      lines_.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
      start = end == std::string::npos ? text.size() : end + 1;
    }
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      if (lines_[i].starts_with("  \"segments\": [")) {
        for (std::size_t j = i + 1; j < lines_.size() && lines_[j].starts_with("    {\"folder\": "); ++j) {
          segments_[folder_of(lines_[j])] = j;
        }
      }
    }
    if (!top_level_line("end_reason")) throw Error(path + ": not the metadata.json of a calmon-record recording");
  }

  bool has_segment(const std::string& folder) const { return segments_.contains(folder); }
  std::vector<std::string> segment_folders() const {
    std::vector<std::string> folders;
    for (const auto& entry : segments_) folders.push_back(entry.first);
    return folders;
  }
  std::optional<std::int64_t> segment_number(const std::string& folder, std::string_view key) const {
    const std::string& line = lines_[segments_.at(folder)];
    const auto [begin, end] = number_in(line, "\"" + std::string(key) + "\": ");
    if (begin == end) return std::nullopt;
    return std::stoll(line.substr(begin, end - begin));
  }
  void set_segment_number(const std::string& folder, std::string_view key, std::int64_t value) {
    std::string& line = lines_[segments_.at(folder)];
    const auto [begin, end] = number_in(line, "\"" + std::string(key) + "\": ");
    if (begin == end) throw Error(path_ + ": folder " + folder + " has no " + std::string(key));
    line.replace(begin, end - begin, std::to_string(value));
  }
  // The raw JSON value of a top-level key ("\"recording\"", "123").
  std::string top_level(std::string_view key) const { return value_of(lines_[*top_level_line(key)]); }
  void set_top_level(std::string_view key, const std::string& json_value) {
    const std::optional<std::size_t> at = top_level_line(key);
    if (!at) throw Error(path_ + ": no " + std::string(key));
    std::string& line = lines_[*at];
    const bool comma = line.ends_with(",");
    line = "  \"" + std::string(key) + "\": " + json_value + (comma ? "," : "");
  }
  std::string text() const {
    std::string text;
    for (const std::string& line : lines_) text += line + "\n";
    return text;
  }

 private:
  static std::string folder_of(const std::string& line) {
    const std::size_t begin = line.find(": \"") + 3;
    return line.substr(begin, line.find('"', begin) - begin);
  }
  // [begin, end) of the integer after `key` in `line`; empty if absent.
  static std::pair<std::size_t, std::size_t> number_in(const std::string& line, const std::string& key) {
    const std::size_t at = line.find(key);
    if (at == std::string::npos) return {0, 0};
    const std::size_t begin = at + key.size();
    const std::size_t end = line.find_first_not_of("-0123456789", begin);
    return {begin, end == std::string::npos ? line.size() : end};
  }
  static std::string value_of(const std::string& line) {
    std::string value = line.substr(line.find(": ") + 2);
    if (value.ends_with(",")) value.pop_back();
    return value;
  }
  std::optional<std::size_t> top_level_line(std::string_view key) const {
    const std::string prefix = "  \"" + std::string(key) + "\": ";
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      if (lines_[i].starts_with(prefix)) return i;
    }
    return std::nullopt;
  }

  std::string path_;
  std::vector<std::string> lines_;
  std::map<std::string, std::size_t> segments_;  // folder -> its line
};

// Every folder of the recording that holds trace files, relative to it ("." first).
std::vector<std::string> trace_folders(const std::string& directory) {
  std::vector<std::string> folders;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(directory)) {
    if (entry.is_directory() && fs::exists(entry.path() / "F.npy")) {
      folders.push_back(fs::relative(entry.path(), directory).generic_string());
    }
  }
  std::sort(folders.begin(), folders.end());
  if (fs::exists(fs::path(directory) / "F.npy")) folders.insert(folders.begin(), ".");
  return folders;
}

std::vector<std::string> existing(const fs::path& folder, const std::vector<std::string>& names, bool required) {
  std::vector<std::string> paths;
  for (const std::string& name : names) {
    const fs::path path = folder / name;
    if (fs::exists(path)) {
      paths.push_back(path.string());
    } else if (required) {
      throw Error(path.string() + ": missing (the folder has F.npy)");
    }
  }
  return paths;
}

// The temporary files of a replacement the recorder did not finish (durable_files.h,
// snapshot_files.h): "metadata.json.partial", ".all_mean.partial.npy".
void remove_partial_files(const std::string& directory) {
  std::vector<fs::path> partial;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().filename().string().find(".partial") != std::string::npos) {
      partial.push_back(entry.path());
    }
  }
  for (const fs::path& path : partial) fs::remove(path);
}

void cut_after_last_line(const std::string& path) {
  if (!fs::exists(path)) return;
  const std::string text = read_text(path);
  const std::size_t last = text.rfind('\n');
  fs::resize_file(path, last == std::string::npos ? 0 : last + 1);
}

}  // namespace

RepairReport repair_recording(const std::string& directory) {
  const std::string metadata_path = (fs::path(directory) / "metadata.json").string();
  if (!fs::exists(metadata_path)) {
    throw Error(directory + ": no metadata.json here: not a calmon-record recording");
  }
  MetadataText metadata(read_text(metadata_path), metadata_path);
  RepairReport report;
  for (const std::string& folder : trace_folders(directory)) {
    const fs::path path = fs::path(directory) / folder;
    std::vector<std::string> live = existing(path, kLiveFiles, true);
    const std::vector<std::string> globals = existing(path, kGlobalFiles, false);
    live.insert(live.end(), globals.begin(), globals.end());
    const GroupRepair live_rows = repair_group(live);
    const GroupRepair settled_rows = repair_group(existing(path, kSettledFiles, true));
    report.folders.push_back(
        {folder, live_rows.rows, live_rows.recovered, settled_rows.rows, settled_rows.recovered});
    if (!metadata.has_segment(folder)) {
      report.warnings.push_back(folder + ": trace files not listed in metadata.json (the recorder died before "
                                "listing them); repaired, not listed");
      continue;
    }
    // Without ROIs the flags cannot tell; then the count metadata.json had stands.
    const auto set_counts = [&](const char* rows_key, const char* not_received_key, const char* received_key,
                                std::int64_t rows, const std::string& flags) {
      const std::int64_t recorded = metadata.segment_number(folder, not_received_key).value_or(0);
      const std::int64_t not_received = std::min(rows, rows_not_received((path / flags).string()).value_or(recorded));
      metadata.set_segment_number(folder, rows_key, rows);
      metadata.set_segment_number(folder, not_received_key, not_received);
      if (received_key != nullptr) metadata.set_segment_number(folder, received_key, rows - not_received);
    };
    set_counts("frames", "frames_not_received", "frames_received", live_rows.rows, "flags_live.npy");
    set_counts("settled_frames", "settled_not_received", nullptr, settled_rows.rows, "flags_settled.npy");
  }
  std::int64_t frames_recorded = 0;
  for (const std::string& folder : metadata.segment_folders()) {
    if (!fs::exists(fs::path(directory) / folder / "F.npy")) {
      report.warnings.push_back(folder + ": listed in metadata.json, but holds no trace files");
      continue;
    }
    frames_recorded += metadata.segment_number(folder, "frames_received").value_or(0);
  }
  metadata.set_top_level("frames_recorded", std::to_string(frames_recorded));
  if (metadata.top_level("end_reason") == "\"recording\"") metadata.set_top_level("end_reason", "\"crashed\"");
  write_file_atomically(metadata_path, metadata.text());
  cut_after_last_line((fs::path(directory) / "status.jsonl").string());
  remove_partial_files(directory);
  sync_tree(directory);
  report.end_reason = metadata.top_level("end_reason");
  report.frames_recorded = frames_recorded;
  return report;
}

}  // namespace calmon::record_tool
