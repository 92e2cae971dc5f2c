// recording_metadata.h — metadata.json: what a recording holds and how it ended.
//
// One file at the top of the recording's folder, rewritten while recording (end_reason
// "recording") and once more at the end. It lists every folder of trace files the
// recording made — one per session and ROI-set version (docs/subscribers.md) — with the
// frames each covers, so a reader can tell received frames from gaps without opening
// the arrays, and every discontinuity: a calmond that restarted under the recording,
// and the frames of its stream that no calmond published in between. The recorder keeps
// the account in RecordingMetadata; the file is its RecordingMetadataFile message
// (proto/calmon/output.proto) printed through protobuf's JSON mapping, which says how
// each value is written: counts as numbers, 64-bit ids and ns times as strings, unknowns
// as null.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "calmon/output.pb.h"

namespace calmon::record_tool {

// One folder of trace files.
struct SegmentRecord {
  std::string folder;  // relative to the recording's folder; "." for itself
  int session = 1;     // streams counted from 1 in this recording
  std::uint32_t roi_set_version = 0;
  std::size_t rois = 0;
  std::int64_t first_frame = 0;  // row 0 of every trace file is this frame index
  std::int64_t frames = 0;       // live rows (received and not received)
  std::int64_t frames_received = 0;
  std::int64_t frames_not_received = 0;  // NaN rows with flag 8 in flags_live
  std::int64_t settled_frames = 0;       // settled rows (received and not received)
  std::int64_t settled_not_received = 0;
  bool end_of_stream = false;  // the stream ended inside this folder
  bool end_of_stream_received = false;
  bool rois_json = false;       // rois.json written (the ROI set's RoiSetInfo arrived)
  std::uint64_t stream_id = 0;  // the session's stream and calmond (0: not said)
  std::uint64_t daemon_id = 0;
  std::optional<std::uint64_t> first_sequence;  // of the live rows received
  std::optional<std::uint64_t> last_sequence;
};

// A session cut short by a calmond that restarted (its daemon_id changed): the frames
// after `last_sequence` were lost with it. If the same stream went on in the restarted
// calmond, `next_session` names the recording's session that continues it,
// `next_sequence` is the sequence number of that session's first frame (row 0 of its
// folder) and `frames_lost` counts the sequence numbers in between, in no folder.
struct Discontinuity {
  std::string kind = "daemon_restarted";
  int session = 0;  // the session that was cut short
  std::uint64_t daemon_id_before = 0;
  std::uint64_t daemon_id_after = 0;
  std::uint64_t stream_id = 0;
  std::optional<std::uint64_t> last_sequence;  // the last frame recorded before
  std::optional<int> next_session;
  std::optional<std::uint64_t> next_sequence;  // the next session's first frame
  std::optional<std::uint64_t> frames_lost;
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
  std::string until;  // "eos" or "signal"
  std::optional<std::int64_t> frame_limit;
  std::int64_t start_time_ns = 0;
  std::optional<std::int64_t> end_time_ns;
  // Then "end_of_stream" (one arrived), "end_of_stream_lost" (the stream ended, its end of
  // stream never arrived), "daemon_restarted" (calmond restarted and another stream
  // followed), "signal" or "frames".
  std::string end_reason = "recording";
  std::int64_t frames_recorded = 0;     // TraceUpdates with live values received
  std::int64_t dropped_updates = 0;     // frames whose update never arrived
  std::int64_t end_of_stream_lost = 0;  // sessions that ended without their end of stream
  std::int64_t status_messages = 0;
  std::int64_t projection_snapshots = 0;
  std::int64_t malformed_messages = 0;
  std::vector<std::uint32_t> roi_set_versions;  // in the order they appeared
  std::vector<SegmentRecord> segments;
  std::vector<Discontinuity> discontinuities;
  std::vector<SnapshotRecord> snapshots;
};

pb::RecordingMetadataFile to_metadata_file(const RecordingMetadata& metadata);
// metadata.json's text: to_metadata_file, indented.
std::string describe_recording(const RecordingMetadata& metadata);

// 2024-05-01T12:34:56.789Z, from nanoseconds since the Unix epoch (start_time, end_time).
std::string iso_utc(std::int64_t time_ns);

}  // namespace calmon::record_tool
