// recording_metadata.cc — RecordingMetadata as its RecordingMetadataFile; see the header.
#include "recording_metadata.h"

#include <cstdio>
#include <ctime>

#include "config/json_message.h"

namespace calmon::record_tool {
namespace {

using google::protobuf::NULL_VALUE;
using google::protobuf::Value;

template <class T> void set_number_or_null(Value& value, const std::optional<T>& number) {
  if (number) {
    value.set_number_value(static_cast<double>(*number));
  } else {
    value.set_null_value(NULL_VALUE);
  }
}

void set_text_or_null(Value& value, const std::optional<std::string>& text) {
  if (text) {
    value.set_string_value(*text);
  } else {
    value.set_null_value(NULL_VALUE);
  }
}

void fill_segment(pb::RecordingSegment& to, const SegmentRecord& from) {
  to.set_folder(from.folder);
  to.set_session(from.session);
  to.set_roi_set_version(from.roi_set_version);
  to.set_rois(static_cast<std::int32_t>(from.rois));
  to.set_first_frame_index(static_cast<double>(from.first_frame));
  to.set_frames(static_cast<double>(from.frames));
  to.set_frames_received(static_cast<double>(from.frames_received));
  to.set_frames_not_received(static_cast<double>(from.frames_not_received));
  to.set_settled_frames(static_cast<double>(from.settled_frames));
  to.set_settled_not_received(static_cast<double>(from.settled_not_received));
  to.set_end_of_stream(from.end_of_stream);
  to.set_end_of_stream_received(from.end_of_stream_received);
  to.set_rois_json(from.rois_json);
  to.set_stream_id(from.stream_id);
  to.set_daemon_id(from.daemon_id);
  set_number_or_null(*to.mutable_first_sequence(), from.first_sequence);
  set_number_or_null(*to.mutable_last_sequence(), from.last_sequence);
}

void fill_discontinuity(pb::RecordingDiscontinuity& to, const Discontinuity& from) {
  to.set_kind(from.kind);
  to.set_session(from.session);
  to.set_daemon_id_before(from.daemon_id_before);
  to.set_daemon_id_after(from.daemon_id_after);
  to.set_stream_id(from.stream_id);
  set_number_or_null(*to.mutable_last_sequence(), from.last_sequence);
  set_number_or_null(*to.mutable_next_session(), from.next_session);
  set_number_or_null(*to.mutable_next_sequence(), from.next_sequence);
  set_number_or_null(*to.mutable_frames_lost(), from.frames_lost);
}

void fill_projections(pb::RecordingProjections& to, const SnapshotRecord& from) {
  to.set_folder(from.folder);
  to.set_frame_index(static_cast<double>(from.frame_index));
  to.set_sequence(static_cast<double>(from.sequence));
  for (const std::string& image : from.images) to.add_images(image);
}

void fill_counts(pb::RecordingMetadataFile& to, const RecordingMetadata& from) {
  to.set_frames_recorded(static_cast<double>(from.frames_recorded));
  to.set_dropped_updates(static_cast<double>(from.dropped_updates));
  to.set_end_of_stream_lost(static_cast<double>(from.end_of_stream_lost));
  to.set_status_messages(static_cast<double>(from.status_messages));
  to.set_projection_snapshots(static_cast<double>(from.projection_snapshots));
  to.set_malformed_messages(static_cast<double>(from.malformed_messages));
}

}  // namespace

pb::RecordingMetadataFile to_metadata_file(const RecordingMetadata& m) {
  pb::RecordingMetadataFile file;
  file.set_tool("calmon-record");
  file.set_source(m.source);
  file.set_until(m.until);
  set_number_or_null(*file.mutable_frame_limit(), m.frame_limit);
  file.set_start_time(iso_utc(m.start_time_ns));
  file.set_start_time_ns(m.start_time_ns);
  const auto end_time = [&](auto format) {
    return m.end_time_ns ? std::optional<std::string>(format(*m.end_time_ns)) : std::nullopt;
  };
  set_text_or_null(*file.mutable_end_time(), end_time(iso_utc));
  set_text_or_null(*file.mutable_end_time_ns(), end_time([](std::int64_t ns) { return std::to_string(ns); }));
  file.set_end_reason(m.end_reason);
  fill_counts(file, m);
  for (const std::uint32_t version : m.roi_set_versions) file.add_roi_set_versions(version);
  for (const SegmentRecord& segment : m.segments) fill_segment(*file.add_segments(), segment);
  for (const Discontinuity& restart : m.discontinuities) fill_discontinuity(*file.add_discontinuities(), restart);
  for (const SnapshotRecord& snapshot : m.snapshots) fill_projections(*file.add_projections(), snapshot);
  return file;
}

std::string describe_recording(const RecordingMetadata& metadata) {
  return config::print_json_message(to_metadata_file(metadata), {.indented = true});
}

std::string iso_utc(std::int64_t time_ns) {
  const std::time_t seconds = static_cast<std::time_t>(time_ns / 1'000'000'000);
  const long long millis = (time_ns % 1'000'000'000) / 1'000'000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];  // room for any int year, so the compiler can prove no truncation
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return text;
}

}  // namespace calmon::record_tool
