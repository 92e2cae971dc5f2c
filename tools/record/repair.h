// repair.h — calmon-record --repair DIR: a recording whose recorder died, made whole.
//
// While recording, calmon-record flushes every flush interval: each .npy header is
// rewritten to count the rows written so far, then metadata.json is replaced. A recorder
// killed between two flushes (kill -9, a crash, the machine losing power) leaves files
// numpy loads, with the rows of the last flush; rows appended since may lie in the files
// past their header's count. repair_recording():
//   - in every folder of trace files, counts the whole rows each .npy holds and keeps
//     the smallest count among the live files (F, Fneu, Fcorr, F0_live, dff_live,
//     flags_live, global_*, and motion*.npy when motion was recorded) and among the
//     settled ones (F0_settled, dff_settled, flags_settled), since a frame is whole only
//     when every file of its group has it;
//     cuts every file to that count and rewrites its header;
//   - sets each folder's counts in metadata.json (frames; received or not from bit 3 of
//     the flags), frames_recorded, and end_reason "crashed" if the recording had not
//     ended ("recording"); everything else in metadata.json stays as it was (the file is
//     read into its message, RecordingMetadataFile, and printed again);
//   - cuts status.jsonl after its last whole line, and removes the temporary files of
//     replacements the recorder did not finish (*.partial*);
//   - fsyncs every file and folder.
// A recording that ended properly comes out as it was: repairing is idempotent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace calmon::record_tool {

struct FolderRepair {
  std::string folder;  // relative to the recording; "." for itself
  std::int64_t live_rows = 0;
  std::int64_t live_recovered = 0;  // rows kept beyond what the headers counted (< 0: lost)
  std::int64_t settled_rows = 0;
  std::int64_t settled_recovered = 0;
};

struct RepairReport {
  std::vector<FolderRepair> folders;
  std::string end_reason;  // metadata.json's, after the repair: "crashed", ...
  std::int64_t frames_recorded = 0;
  std::vector<std::string> warnings;  // folders not in metadata.json, and the like
};

// Throws calmon::Error, naming the file, for a folder that is not a calmon-record
// recording or a file it cannot read or rewrite.
RepairReport repair_recording(const std::string& directory);

}  // namespace calmon::record_tool
