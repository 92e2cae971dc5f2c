// recording.h — turns calmond's published messages into a recording's folder.
//
// Messages come in the order calmond published them (traces, status and ROI sets share
// one socket); a Recording routes each one:
//   traces       live rows and settled rows into the folder of their session and ROI-set
//                version (TraceSegment), with NaN rows for frames whose update never
//                arrived (a frame_index jump); the update with end_of_stream closes the
//                session;
//   status       one line of status.jsonl each;
//   rois         rois.json of the folder with that ROI-set version;
//   projections  the newest snapshot's images, in the session's folder.
// Folders: the first session's first ROI set writes into OUT_DIR itself; a later ROI-set
// version of a session into <session folder>/roi_set_<version>/; session n >= 2 (with
// --until signal, or a stream that went on after calmond restarted) into
// OUT_DIR/session_<n>/. metadata.json lists them all.
//
// A session ends with its end of stream, or without it: when a Status says the stream
// is over, when a frame of another stream (stream_id) or an earlier frame_index arrives,
// or when calmond restarts (a new daemon_id in a Status or a TraceUpdate) — then the
// frames calmond had not published are lost, and metadata.json lists the discontinuity.
// If the restarted calmond goes on with the same stream (a sender that kept sending),
// its session continues the recording in the next folder, the sequence numbers in
// between counted as lost; with --until eos the recording ends at that stream's end of
// stream. end_reason says how it ended: only an end of stream that arrived is
// "end_of_stream".
//
// calmond's conventions this relies on (src/daemon/stream_analyzer.h): frame_index counts
// a session's frames from 0; an update without per-ROI values is a settled-only
// continuation; a session ends with exactly one update with end_of_stream (its
// frame_index the session's frame count), after any continuations carrying the settled
// tail; settled rows come in frame order, each tagged with the roi_set_version of its
// frame — after a live ROI change (set_rois) the old set's last rows come with and right
// after the new set's first frame, after a live edit (add_rois, remove_rois, update_roi)
// they come at the ROIs' usual lag, so an older version's folder stays open until its
// rows all arrived (or a row of a later frame did: the rest were lost); a final
// ProjectionSnapshot follows the end of stream; Status.streaming turns false only after
// the end of stream was published.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <fstream>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "calmon/wire.pb.h"
#include "recording_metadata.h"
#include "roi_description.h"
#include "subscription.h"
#include "trace_segment.h"

namespace calmon::record_tool {

struct RecordingOptions {
  std::string out_dir;                      // exists and is empty
  std::string source;                       // the endpoint, for metadata.json
  bool until_signal = false;                // false: stop at the first end of stream
  std::optional<std::int64_t> frame_limit;  // stop after this many frames
  // How often the .npy headers are rewritten to count the rows written and metadata.json
  // replaced: what a crash of the recorder can lose (docs/output.md).
  std::chrono::milliseconds flush_interval{500};
  std::string warning_prefix;  // before each warning's text: "plane 2: " with --planes
};

class Recording {
 public:
  using Clock = std::chrono::steady_clock;

  // `warnings` receives one line per problem worth telling (gaps, malformed messages).
  Recording(RecordingOptions options, std::ostream& warnings);
  ~Recording();
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  void on_message(const PublishedMessage& message);
  // Flushes the trace files and rewrites metadata.json every flush interval, the
  // projection images every snapshot interval, and gives up waiting for a final
  // snapshot at its deadline; call it often.
  void on_tick(Clock::time_point now);

  // True once the recording has reached its end (end of stream and its final snapshot,
  // --frames).
  bool done() const { return end_reason_.has_value() && !final_snapshot_deadline_; }
  // Closes every file, writes the final metadata and fsyncs the whole recording; `reason`
  // unless the recording already ended by itself ("signal" when interrupted).
  void finish(const std::string& reason);

  const RecordingMetadata& metadata() const { return metadata_; }

 private:
  struct Session {
    int number = 1;
    std::string folder;                          // relative to OUT_DIR
    std::int64_t next_frame = 0;                 // the frame after the last live one seen
    std::uint64_t stream_id = 0;                 // from its first update (0: not said)
    std::optional<std::uint64_t> last_sequence;  // of the last live update seen
  };
  enum class SessionEnd { kEndOfStream, kEndOfStreamLost, kDaemonRestarted };
  // A folder being written: one session's frames under one ROI-set version.
  struct OpenSegment {
    std::unique_ptr<TraceSegment> traces;
    std::string directory;
    std::size_t record = 0;  // index into metadata_.segments
    std::int64_t end = -1;   // one past its last frame, once a later ROI-set version started
  };
  struct Snapshot {
    pb::ProjectionSnapshot message;
    int session = 0;
    bool written = false;
  };

  void on_traces(const pb::TraceUpdate& update);
  void on_status(const pb::Status& status, const std::string& json);
  void on_rois(const pb::RoiSetInfo& info);
  void on_projections(pb::ProjectionSnapshot snapshot);

  bool carries_live_values(const pb::TraceUpdate& update) const;
  // A message from calmond `daemon_id` (0: not said): a new one means calmond restarted.
  void notice_daemon(std::uint64_t daemon_id);
  // False if the recording ends instead (--until eos, after a restart, another stream).
  bool open_session(const pb::TraceUpdate& first_update);
  void continue_after_restart(const pb::TraceUpdate& first_update, int session);
  // Trace files in OUT_DIR/`folder` (made unique if taken) whose row 0 is `first_frame`.
  OpenSegment open_segment(const pb::TraceUpdate& first_update, std::int64_t first_frame, std::string folder);
  void switch_segment(const pb::TraceUpdate& update);
  void append_live(const pb::TraceUpdate& update);
  void append_settled(const pb::SettledValues& values);
  // Pads live and settled rows with "not received" rows up to frame `end` (at least).
  void complete_segment(OpenSegment& segment, std::int64_t end);
  void close_segment(OpenSegment& segment);
  // Closes the older versions' folders whose settled rows have all arrived, or — every
  // row of a frame before `frame` having been handed out — were lost; all with no frame.
  void close_previous_segments(std::optional<std::int64_t> frame = std::nullopt);
  // Each open folder: the current one and the older versions' still waiting for rows.
  template <class F> void for_each_open_segment(F f);
  void end_session(SessionEnd how, std::int64_t end_frame);
  void stop(const std::string& reason);

  void refresh_record(const OpenSegment& segment);
  void write_rois_json(const OpenSegment& segment);
  void write_snapshot_files();
  void write_metadata();
  void warn(const std::string& line);
  SegmentRecord& record_of(const OpenSegment& segment) { return metadata_.segments[segment.record]; }

  RecordingOptions options_;
  std::ostream& warnings_;
  RecordingMetadata metadata_;
  std::ofstream status_lines_;

  std::optional<Session> session_;      // the current session, until it ends
  std::optional<OpenSegment> current_;  // the current ROI set's folder
  std::deque<OpenSegment> previous_;    // older ROI sets' folders, oldest first, until their tails arrived
  int sessions_started_ = 0;
  bool saw_idle_daemon_ = false;                                    // a Status said "not streaming" before a session
  std::optional<std::pair<int, std::int64_t>> last_ended_session_;  // number, frames
  std::uint64_t daemon_id_ = 0;                                     // of the calmond publishing, once known
  // The restart that cut the last session short, until the next session tells whether
  // its stream went on: an index into metadata_.discontinuities.
  std::optional<std::size_t> awaiting_continuation_;

  std::map<std::uint32_t, pb::RoiSetInfo> roi_sets_;  // by version, the newest info of each
  std::optional<MovieFacts> movie_;
  std::optional<Snapshot> snapshot_;
  std::optional<std::string> end_reason_;
  std::optional<Clock::time_point> final_snapshot_deadline_;
  int gap_warnings_ = 0;

  Clock::time_point next_flush_;
  Clock::time_point next_snapshot_write_;
};

}  // namespace calmon::record_tool
