// repair.cc — rows past the headers kept, metadata.json's counts set; see the header.
#include "repair.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string_view>

#include "calmon/output.pb.h"
#include "config/json_message.h"
#include "core/error.h"
#include "io/durable_files.h"
#include "io/npy_writer.h"
#include "trace_segment.h"

namespace calmon::record_tool {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kLiveFiles = {"F.npy",       "Fneu.npy",     "Fcorr.npy",
                                             "F0_live.npy", "dff_live.npy", "flags_live.npy"};
const std::vector<std::string> kGlobalFiles = {"global_mean.npy", "global_median.npy", "global_min.npy"};
// Motion correction's rows (trace_segment.h) are live rows too, when the folder has them.
const std::vector<std::string> kMotionFiles = {"motion.npy", "motion_peak.npy", "motion_failed.npy",
                                               "motion_blocks.npy"};
const std::vector<std::string> kTimeFiles = {"time.npy"};  // the live rows' times, when the folder has them
const std::vector<std::string> kSettledFiles = {"F0_settled.npy", "dff_settled.npy", "flags_settled.npy"};

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
  const std::string bytes = config::read_text_file(path);
  std::int64_t rows = 0;
  for (std::size_t row = 0; row < count.in_header; ++row) {
    const std::string_view flags(bytes.data() + count.header_bytes + row * count.row_bytes, count.row_bytes);
    rows += std::all_of(flags.begin(), flags.end(), [](char f) { return (f & kFlagNotReceived) != 0; });
  }
  return rows;
}

// metadata.json read back into its message (recording_metadata.h), by folder.
class MetadataFile {
 public:
  MetadataFile(const std::string& text, const std::string& path) {
    config::parse_json_message(text, path, "metadata.json", file_);
    if (file_.tool() != "calmon-record") throw Error(path + ": not the metadata.json of a calmon-record recording");
    // An older calmon-record wrote end_time_ns as a number, which Value holds as a double
    // (to 256 ns at today's times): today's layout has the integer as a string.
    google::protobuf::Value& end_time_ns = *file_.mutable_end_time_ns();
    if (end_time_ns.kind_case() == google::protobuf::Value::kNumberValue) {
      end_time_ns.set_string_value(std::to_string(static_cast<std::int64_t>(end_time_ns.number_value())));
    }
    for (pb::RecordingSegment& segment : *file_.mutable_segments()) segments_[segment.folder()] = &segment;
  }

  // The folder's entry; nullptr if metadata.json does not list it.
  pb::RecordingSegment* segment(const std::string& folder) {
    const auto found = segments_.find(folder);
    return found == segments_.end() ? nullptr : found->second;
  }
  const std::map<std::string, pb::RecordingSegment*>& segments() const { return segments_; }
  pb::RecordingMetadataFile& file() { return file_; }

 private:
  pb::RecordingMetadataFile file_;
  std::map<std::string, pb::RecordingSegment*> segments_;  // by folder, into file_
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
  const std::string text = config::read_text_file(path);
  const std::size_t last = text.rfind('\n');
  fs::resize_file(path, last == std::string::npos ? 0 : last + 1);
}

}  // namespace

RepairReport repair_recording(const std::string& directory) {
  const std::string metadata_path = (fs::path(directory) / "metadata.json").string();
  if (!fs::exists(metadata_path)) {
    throw Error(directory + ": no metadata.json here: not a calmon-record recording");
  }
  MetadataFile metadata(config::read_text_file(metadata_path), metadata_path);
  RepairReport report;
  for (const std::string& folder : trace_folders(directory)) {
    const fs::path path = fs::path(directory) / folder;
    std::vector<std::string> live = existing(path, kLiveFiles, true);
    for (const std::vector<std::string>* optional : {&kGlobalFiles, &kMotionFiles, &kTimeFiles}) {
      const std::vector<std::string> paths = existing(path, *optional, false);
      live.insert(live.end(), paths.begin(), paths.end());
    }
    const GroupRepair live_rows = repair_group(live);
    const GroupRepair settled_rows = repair_group(existing(path, kSettledFiles, true));
    report.folders.push_back({folder, live_rows.rows, live_rows.recovered, settled_rows.rows, settled_rows.recovered});
    pb::RecordingSegment* segment = metadata.segment(folder);
    if (segment == nullptr) {
      report.warnings.push_back(folder +
                                ": trace files not listed in metadata.json (the recorder died before "
                                "listing them); repaired, not listed");
      continue;
    }
    // Without ROIs the flags cannot tell; then the count metadata.json had stands.
    const auto not_received = [&](std::int64_t rows, double recorded, const char* flags) {
      const auto counted = rows_not_received((path / flags).string());
      return static_cast<double>(std::min(rows, counted.value_or(static_cast<std::int64_t>(recorded))));
    };
    segment->set_frames(static_cast<double>(live_rows.rows));
    segment->set_frames_not_received(not_received(live_rows.rows, segment->frames_not_received(), "flags_live.npy"));
    segment->set_frames_received(segment->frames() - segment->frames_not_received());
    segment->set_settled_frames(static_cast<double>(settled_rows.rows));
    segment->set_settled_not_received(
        not_received(settled_rows.rows, segment->settled_not_received(), "flags_settled.npy"));
  }
  double frames_recorded = 0;
  for (const auto& [folder, segment] : metadata.segments()) {
    if (!fs::exists(fs::path(directory) / folder / "F.npy")) {
      report.warnings.push_back(folder + ": listed in metadata.json, but holds no trace files");
      continue;
    }
    frames_recorded += segment->frames_received();
  }
  pb::RecordingMetadataFile& file = metadata.file();
  file.set_frames_recorded(frames_recorded);
  if (file.end_reason() == "recording") file.set_end_reason("crashed");
  io::write_file_atomically(metadata_path, config::print_json_message(file, {.indented = true}));
  cut_after_last_line((fs::path(directory) / "status.jsonl").string());
  remove_partial_files(directory);
  io::sync_tree(directory);
  report.end_reason = file.end_reason();
  report.frames_recorded = static_cast<std::int64_t>(frames_recorded);
  return report;
}

}  // namespace calmon::record_tool
