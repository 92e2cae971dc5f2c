// recording_metadata.cc — metadata.json as text; see the header.
#include "recording_metadata.h"

#include "json_text.h"

namespace calmon::record_tool {
namespace {

std::string id_text(std::uint64_t id) { return json_string(std::to_string(id)); }

template <class T> std::string optional_number(const std::optional<T>& value) {
  return value ? std::to_string(*value) : "null";
}

std::string describe_segment(const SegmentRecord& s) {
  return "    {\"folder\": " + json_string(s.folder) + ", \"session\": " + std::to_string(s.session) +
         ", \"roi_set_version\": " + std::to_string(s.roi_set_version) + ", \"rois\": " + std::to_string(s.rois) +
         ", \"first_frame_index\": " + std::to_string(s.first_frame) + ", \"frames\": " + std::to_string(s.frames) +
         ", \"frames_received\": " + std::to_string(s.frames_received) +
         ", \"frames_not_received\": " + std::to_string(s.frames_not_received) +
         ", \"settled_frames\": " + std::to_string(s.settled_frames) +
         ", \"settled_not_received\": " + std::to_string(s.settled_not_received) +
         ", \"end_of_stream\": " + (s.end_of_stream ? "true" : "false") +
         ", \"end_of_stream_received\": " + (s.end_of_stream_received ? "true" : "false") +
         ", \"rois_json\": " + (s.rois_json ? "true" : "false") + ", \"stream_id\": " + id_text(s.stream_id) +
         ", \"daemon_id\": " + id_text(s.daemon_id) + ", \"first_sequence\": " + optional_number(s.first_sequence) +
         ", \"last_sequence\": " + optional_number(s.last_sequence) + "}";
}

std::string describe_discontinuity(const Discontinuity& d) {
  return "    {\"kind\": " + json_string(d.kind) + ", \"session\": " + std::to_string(d.session) +
         ", \"daemon_id_before\": " + id_text(d.daemon_id_before) + ", \"daemon_id_after\": " +
         id_text(d.daemon_id_after) + ", \"stream_id\": " + id_text(d.stream_id) +
         ", \"last_sequence\": " + optional_number(d.last_sequence) +
         ", \"next_session\": " + optional_number(d.next_session) +
         ", \"next_sequence\": " + optional_number(d.next_sequence) +
         ", \"frames_lost\": " + optional_number(d.frames_lost) + "}";
}

std::string describe_snapshot(const SnapshotRecord& s) {
  std::string images = "[";
  for (std::size_t i = 0; i < s.images.size(); ++i) images += (i ? ", " : "") + json_string(s.images[i]);
  return "    {\"folder\": " + json_string(s.folder) + ", \"frame_index\": " + std::to_string(s.frame_index) +
         ", \"sequence\": " + std::to_string(s.sequence) + ", \"images\": " + images + "]}";
}

template <class T, class Describe> std::string json_list(const std::vector<T>& items, Describe describe) {
  if (items.empty()) return "[]";
  std::string text = "[\n";
  for (std::size_t i = 0; i < items.size(); ++i) text += describe(items[i]) + (i + 1 < items.size() ? ",\n" : "\n");
  return text + "  ]";
}

}  // namespace

std::string describe_recording(const RecordingMetadata& m) {
  const std::string end_time = m.end_time_ns ? json_string(iso_utc(*m.end_time_ns)) : "null";
  const std::string end_time_ns = m.end_time_ns ? std::to_string(*m.end_time_ns) : "null";
  return "{\n  \"tool\": \"calmon-record\",\n  \"source\": " + json_string(m.source) +
         ",\n  \"until\": " + json_string(m.until) +
         ",\n  \"frame_limit\": " + (m.frame_limit ? std::to_string(*m.frame_limit) : "null") +
         ",\n  \"start_time\": " + json_string(iso_utc(m.start_time_ns)) +
         ",\n  \"start_time_ns\": " + std::to_string(m.start_time_ns) + ",\n  \"end_time\": " + end_time +
         ",\n  \"end_time_ns\": " + end_time_ns + ",\n  \"end_reason\": " + json_string(m.end_reason) +
         ",\n  \"frames_recorded\": " + std::to_string(m.frames_recorded) +
         ",\n  \"dropped_updates\": " + std::to_string(m.dropped_updates) +
         ",\n  \"end_of_stream_lost\": " + std::to_string(m.end_of_stream_lost) +
         ",\n  \"status_messages\": " + std::to_string(m.status_messages) +
         ",\n  \"projection_snapshots\": " + std::to_string(m.projection_snapshots) +
         ",\n  \"malformed_messages\": " + std::to_string(m.malformed_messages) +
         ",\n  \"roi_set_versions\": " + json_array(m.roi_set_versions) +
         ",\n  \"segments\": " + json_list(m.segments, describe_segment) +
         ",\n  \"discontinuities\": " + json_list(m.discontinuities, describe_discontinuity) +
         ",\n  \"projections\": " + json_list(m.snapshots, describe_snapshot) + "\n}\n";
}

}  // namespace calmon::record_tool
