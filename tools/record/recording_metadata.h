// recording_metadata.h — metadata.json: what a recording holds and how it ended.
//
// One file at the top of the recording's folder, rewritten while recording (end_reason
// "recording") and once more at the end. It lists every folder of trace files the
// recording made — one per session and ROI-set version (docs/subscribers.md) — with the
// frames each covers, so a reader can tell received frames from gaps without opening
// the arrays.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace calmon::record_tool {

// One folder of trace files.
struct SegmentRecord {
  std::string folder;              // relative to the recording's folder; "." for itself
  int session = 1;                 // streams counted from 1 in this recording
  std::uint32_t roi_set_version = 0;
  std::size_t rois = 0;
  std::int64_t first_frame = 0;    // row 0 of every trace file is this frame index
  std::int64_t frames = 0;         // live rows (received and not received)
  std::int64_t frames_received = 0;
  std::int64_t frames_not_received = 0;  // NaN rows with flag 8 in flags_live
  std::int64_t settled_frames = 0;       // settled rows (received and not received)
  std::int64_t settled_not_received = 0;
  bool end_of_stream = false;      // the stream ended inside this folder
  bool end_of_stream_received = false;
  bool rois_json = false;          // rois.json written (the ROI set's RoiSetInfo arrived)
};

// The newest projection snapshot written into a session's folder.
struct SnapshotRecord {
  std::string folder;
  std::int64_t frame_index = 0;
  std::uint64_t sequence = 0;
  std::vector<std::string> images;
};

struct RecordingMetadata {
  std::string source;
  std::string until;               // "eos" or "signal"
  std::optional<std::int64_t> frame_limit;
  std::int64_t start_time_ns = 0;
  std::optional<std::int64_t> end_time_ns;
  std::string end_reason = "recording";  // then "end_of_stream", "signal" or "frames"
  std::int64_t frames_recorded = 0;      // TraceUpdates with live values received
  std::int64_t dropped_updates = 0;      // frames whose update never arrived
  std::int64_t end_of_stream_lost = 0;   // ends inferred from Status, not received
  std::int64_t status_messages = 0;
  std::int64_t projection_snapshots = 0;
  std::int64_t malformed_messages = 0;
  std::vector<std::uint32_t> roi_set_versions;  // in the order they appeared
  std::vector<SegmentRecord> segments;
  std::vector<SnapshotRecord> snapshots;
};

std::string describe_recording(const RecordingMetadata& metadata);

}  // namespace calmon::record_tool
