// recording_fixture.h — a Recording in a fresh folder, fed calmond's messages directly,
// with what it warns collected; for the tests of sessions, metadata.json and repairs.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "calmon/output.pb.h"
#include "config/json_message.h"
#include "net/topics.h"
#include "record/recording.h"
#include "record_messages.h"
#include "test_support.h"

namespace calmon::record_tool::test {

class RecordingTest : public ::testing::Test {
 protected:
  // A Recording of its own folder, as `calmon-record OUT --until until [--frames limit]`.
  Recording& start(bool until_signal = false, std::optional<std::int64_t> frame_limit = std::nullopt) {
    options_.out_dir = calmon::test::temp_dir("record_recording").string();
    options_.source = "tcp://127.0.0.1:5571";
    options_.until_signal = until_signal;
    options_.frame_limit = frame_limit;
    recording_.emplace(options_, warnings_);
    return *recording_;
  }

  void traces(const pb::TraceUpdate& update) { recording_->on_message(published(net::kTracesTopic, update)); }
  void status(const pb::Status& message) { recording_->on_message(published(net::kStatusTopic, message)); }
  void rois(const pb::RoiSetInfo& info) { recording_->on_message(published(net::kRoisTopic, info)); }
  void projections(const pb::ProjectionSnapshot& snapshot) {
    recording_->on_message(published(net::kProjectionsTopic, snapshot));
  }
  // Frames [first, end) of ROI set `version`, each a frame's own update from calmond `daemon`.
  void frames(std::int64_t first, std::int64_t end, std::uint32_t version = 1, std::uint64_t stream = 7,
              std::uint64_t daemon = 1, std::uint64_t sequence_offset = 1000) {
    for (std::int64_t frame = first; frame < end; ++frame) {
      pb::TraceUpdate update = frame_update(frame, 2, version);
      update.set_stream_id(stream);
      update.set_daemon_id(daemon);
      update.set_sequence(static_cast<std::uint64_t>(frame) + sequence_offset);
      traces(update);
    }
  }

  // metadata.json as written now, read back through its message.
  pb::RecordingMetadataFile metadata_file() const {
    const std::string path = options_.out_dir + "/metadata.json";
    return config::parse_json_as<pb::RecordingMetadataFile>(config::read_text_file(path), path, "metadata.json");
  }
  std::string path(const std::string& name) const { return options_.out_dir + "/" + name; }
  std::string warnings() const { return warnings_.str(); }

  RecordingOptions options_;
  std::ostringstream warnings_;
  std::optional<Recording> recording_;
};

}  // namespace calmon::record_tool::test
