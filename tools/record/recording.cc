// recording.cc — routing published messages into folders and files; see the header.
#include "recording.h"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include "config/json_message.h"
#include "core/error.h"
#include "core/pixel_type.h"
#include "io/durable_files.h"
#include "net/clock.h"
#include "net/topics.h"
#include "net/wire_pixel_type.h"
#include "snapshot_files.h"

namespace calmon::record_tool {
namespace {

constexpr auto kSnapshotInterval = std::chrono::seconds(2);
// calmond publishes the final snapshot right after the end of stream, on another of
// the recorder's sockets: it arrives within milliseconds, or was dropped.
constexpr auto kFinalSnapshotWait = std::chrono::seconds(2);
constexpr int kGapWarningLimit = 10;

std::string session_folder(int session) { return session == 1 ? "." : "session_" + std::to_string(session); }

std::string join(const std::string& directory, const std::string& folder) {
  return folder == "." ? directory : directory + "/" + folder;
}

std::string status_json(const pb::Status& status) {
  try {
    return config::print_json_message(status);
  } catch (const Error&) {
    return "{}";
  }
}

template <class Message> bool parse(Message& message, const zmq::message_t& payload) {
  return message.ParseFromArray(payload.data(), static_cast<int>(payload.size()));
}

}  // namespace

Recording::Recording(RecordingOptions options, std::ostream& warnings)
    : options_(std::move(options)), warnings_(warnings) {
  metadata_.source = options_.source;
  metadata_.until = options_.until_signal ? "signal" : "eos";
  metadata_.frame_limit = options_.frame_limit;
  metadata_.start_time_ns = net::now_ns();
  const std::string status_path = options_.out_dir + "/status.jsonl";
  status_lines_.open(status_path, std::ios::binary | std::ios::trunc);
  if (!status_lines_) throw Error(status_path + ": cannot create");
  next_flush_ = Clock::now() + options_.flush_interval;
  next_snapshot_write_ = Clock::now() + kSnapshotInterval;
  write_metadata();
}

Recording::~Recording() = default;

void Recording::on_message(const PublishedMessage& message) {
  const bool awaiting_final_snapshot = final_snapshot_deadline_.has_value();
  if (end_reason_ && !(awaiting_final_snapshot && message.topic == net::kProjectionsTopic)) return;
  const auto malformed = [&] {
    ++metadata_.malformed_messages;
    warn("a '" + message.topic + "' message that does not parse was skipped");
  };
  if (message.topic == net::kTracesTopic) {
    pb::TraceUpdate update;
    if (!parse(update, message.payload)) return malformed();
    on_traces(update);
  } else if (message.topic == net::kStatusTopic) {
    pb::Status status;
    if (!parse(status, message.payload)) return malformed();
    on_status(status, status_json(status));
  } else if (message.topic == net::kRoisTopic) {
    pb::RoiSetInfo info;
    if (!parse(info, message.payload)) return malformed();
    on_rois(info);
  } else if (message.topic == net::kProjectionsTopic) {
    pb::ProjectionSnapshot snapshot;
    if (!parse(snapshot, message.payload)) return malformed();
    on_projections(std::move(snapshot));
  }
}

void Recording::on_tick(Clock::time_point now) {
  if (now >= next_flush_) {
    for_each_open_segment([&](OpenSegment& segment) {
      segment.traces->flush();
      refresh_record(segment);
    });
    status_lines_.flush();
    write_metadata();
    next_flush_ = now + options_.flush_interval;
  }
  if (now >= next_snapshot_write_) {
    write_snapshot_files();
    next_snapshot_write_ = now + kSnapshotInterval;
  }
  if (final_snapshot_deadline_ && now >= *final_snapshot_deadline_) {
    warn("the stream's final projection snapshot did not arrive; the projection files are from an earlier one");
    final_snapshot_deadline_.reset();
  }
}

void Recording::finish(const std::string& reason) {
  stop(reason);
  final_snapshot_deadline_.reset();
  close_previous_segments();
  if (current_) {
    close_segment(*current_);
    current_.reset();
  }
  session_.reset();
  write_snapshot_files();
  status_lines_.flush();
  metadata_.end_reason = *end_reason_;
  metadata_.end_time_ns = net::now_ns();
  write_metadata();
  status_lines_.close();
  io::sync_tree(options_.out_dir);  // what the recording says it holds is on disk
}

// --- traces -----------------------------------------------------------------------------

void Recording::on_traces(const pb::TraceUpdate& update) {
  notice_daemon(update.daemon_id());
  if (end_reason_) return;
  const bool live = carries_live_values(update);
  if (live && session_) {
    // Frame indices only go forward within a session, and a session is one stream: this
    // frame starts another one.
    const bool other_stream =
        session_->stream_id != 0 && update.stream_id() != 0 && update.stream_id() != session_->stream_id;
    if (other_stream || update.frame_index() < session_->next_frame) {
      warn("frame " + std::to_string(update.frame_index()) +
           (other_stream ? " of stream " + std::to_string(update.stream_id()) : std::string()) +
           " starts a new stream, but the end of the previous one never arrived");
      end_session(SessionEnd::kEndOfStreamLost, session_->next_frame);
      if (end_reason_) return;
    }
  }
  if (!session_) {
    if (!live) return;  // settled rows or the end of a stream this recording saw no frame of
    if (!open_session(update)) return;
  } else if (live && update.roi_set_version() != record_of(*current_).roi_set_version) {
    switch_segment(update);
  }
  if (live) append_live(update);
  for (const pb::SettledValues& values : update.settled()) append_settled(values);
  if (update.end_of_stream()) {
    end_session(SessionEnd::kEndOfStream, update.frame_index());
  } else if (options_.frame_limit && metadata_.frames_recorded >= *options_.frame_limit) {
    stop("frames");
  }
}

bool Recording::carries_live_values(const pb::TraceUpdate& update) const {
  return !update.end_of_stream() && !update.settled_only();
}

void Recording::notice_daemon(std::uint64_t daemon_id) {
  if (daemon_id == 0 || daemon_id == daemon_id_) return;
  const std::uint64_t before = daemon_id_;
  daemon_id_ = daemon_id;
  if (before == 0 || !session_) return;  // the first calmond heard of, or nothing cut short
  Discontinuity restart;
  restart.session = session_->number;
  restart.daemon_id_before = before;
  restart.daemon_id_after = daemon_id;
  restart.stream_id = session_->stream_id;
  restart.last_sequence = session_->last_sequence;
  warn("calmond restarted (daemon id " + std::to_string(before) + " -> " + std::to_string(daemon_id) + "): session " +
       std::to_string(session_->number) + " ends without its end of stream" +
       (session_->last_sequence ? " after frame " + std::to_string(*session_->last_sequence) : std::string()) +
       "; what calmond had not published is lost");
  metadata_.discontinuities.push_back(restart);
  awaiting_continuation_ = metadata_.discontinuities.size() - 1;
  end_session(SessionEnd::kDaemonRestarted, session_->next_frame);
}

// The first session after a restart: the same stream going on, or another one.
void Recording::continue_after_restart(const pb::TraceUpdate& first_update, int session) {
  Discontinuity& restart = metadata_.discontinuities[*awaiting_continuation_];
  awaiting_continuation_.reset();
  if (restart.stream_id == 0 || first_update.stream_id() != restart.stream_id) return;
  // Row 0 of the new session's folder is the restarted calmond's first frame: if its
  // first updates did not reach the recorder, they are rows too (not received), so the
  // frames lost in between end before it (exact unless frames were missing at its input).
  const auto skipped = static_cast<std::uint64_t>(std::max<std::int64_t>(0, first_update.frame_index()));
  const std::uint64_t next = first_update.sequence() >= skipped ? first_update.sequence() - skipped : 0;
  restart.next_session = session;
  restart.next_sequence = next;
  std::string lost;
  if (restart.last_sequence && next > *restart.last_sequence) {
    restart.frames_lost = next - *restart.last_sequence - 1;
    lost = ": " + std::to_string(*restart.frames_lost) + " frames lost in between";
    if (*restart.frames_lost > 0) {
      lost += " (" + std::to_string(*restart.last_sequence + 1) + ".." + std::to_string(next - 1) + ")";
    }
  }
  warn("stream " + std::to_string(restart.stream_id) + " goes on in the restarted calmond from frame " +
       std::to_string(next) + ", recorded as session " + std::to_string(session) + lost);
}

bool Recording::open_session(const pb::TraceUpdate& first_update) {
  if (awaiting_continuation_ && !options_.until_signal) {
    const Discontinuity& restart = metadata_.discontinuities[*awaiting_continuation_];
    if (restart.stream_id == 0 || first_update.stream_id() != restart.stream_id) {
      // --until eos records one stream: it ended with the calmond that restarted.
      warn("the restarted calmond streams another stream (" + std::to_string(first_update.stream_id()) +
           "); the one recorded ended with the calmond before it");
      stop("daemon_restarted");
      return false;
    }
  }
  Session session;
  session.number = ++sessions_started_;
  session.folder = session_folder(session.number);
  session.stream_id = first_update.stream_id();
  if (awaiting_continuation_) continue_after_restart(first_update, session.number);
  // When calmond was seen idle, or a previous stream was recorded, this stream started
  // while the recording listened: frames before the first one received were lost, and
  // get rows. Otherwise the recording joined a running stream, and starts where it joined.
  const bool listened_from_start = saw_idle_daemon_ || session.number > 1;
  session.next_frame = listened_from_start ? 0 : first_update.frame_index();
  session_ = session;
  current_ = open_segment(first_update, session.next_frame, session.folder);
  return true;
}

Recording::OpenSegment Recording::open_segment(const pb::TraceUpdate& first_update, std::int64_t first_frame,
                                               std::string folder) {
  if (folder != ".") {
    const std::string base = folder;
    for (int copy = 2; std::filesystem::exists(join(options_.out_dir, folder)); ++copy) {
      folder = base + "_" + std::to_string(copy);
    }
  }
  OpenSegment segment;
  segment.directory = join(options_.out_dir, folder);
  std::filesystem::create_directories(segment.directory);
  const std::size_t rois = static_cast<std::size_t>(first_update.f_size());
  segment.traces = std::make_unique<TraceSegment>(segment.directory, first_frame, rois, first_update.has_global(),
                                                  first_update.has_motion() ? &first_update.motion() : nullptr,
                                                  first_update.has_time_s());
  SegmentRecord record;
  record.folder = folder;
  record.session = session_->number;
  record.roi_set_version = first_update.roi_set_version();
  record.rois = rois;
  record.first_frame = first_frame;
  record.stream_id = first_update.stream_id();
  record.daemon_id = first_update.daemon_id();
  segment.record = metadata_.segments.size();
  metadata_.segments.push_back(record);
  auto& versions = metadata_.roi_set_versions;
  if (std::find(versions.begin(), versions.end(), record.roi_set_version) == versions.end()) {
    versions.push_back(record.roi_set_version);
  }
  write_rois_json(segment);
  return segment;
}

void Recording::switch_segment(const pb::TraceUpdate& update) {
  const std::string version_folder = "roi_set_" + std::to_string(update.roi_set_version());
  const std::string folder = session_->folder == "." ? version_folder : session_->folder + "/" + version_folder;
  current_->end = update.frame_index();
  previous_.push_back(std::move(*current_));
  current_ = open_segment(update, update.frame_index(), folder);
}

void Recording::append_live(const pb::TraceUpdate& update) {
  const std::int64_t frame = update.frame_index();
  try {
    record_of(*current_).frames_not_received += current_->traces->append_live(update);
  } catch (const Error& e) {
    ++metadata_.malformed_messages;
    warn("an update was skipped: " + std::string(e.what()));
    return;
  }
  if (frame > session_->next_frame) {
    const std::int64_t lost = frame - session_->next_frame;
    metadata_.dropped_updates += lost;
    if (++gap_warnings_ <= kGapWarningLimit) {
      warn("frames " + std::to_string(session_->next_frame) + ".." + std::to_string(frame - 1) + " not received (" +
           std::to_string(lost) + " updates dropped by the publish socket): NaN rows, flag 8" +
           (gap_warnings_ == kGapWarningLimit ? "; further gaps are only counted in metadata.json" : ""));
    }
  }
  session_->next_frame = frame + 1;
  session_->last_sequence = update.sequence();
  ++metadata_.frames_recorded;
  SegmentRecord& record = record_of(*current_);
  ++record.frames_received;
  if (!record.first_sequence) record.first_sequence = update.sequence();
  record.last_sequence = update.sequence();
  refresh_record(*current_);
}

void Recording::append_settled(const pb::SettledValues& values) {
  // Rows come in frame order: the older sets whose frames all came before are over.
  close_previous_segments(values.frame_index());
  // Rows of an older set carry its version; without a known version, the frame tells:
  // each set's frames come before the next one's first.
  OpenSegment* target = &*current_;
  const std::uint32_t version = values.roi_set_version();
  if (version != record_of(*current_).roi_set_version) {
    for (OpenSegment& segment : previous_) {
      const SegmentRecord& record = record_of(segment);
      const bool its_frame = values.frame_index() >= record.first_frame && values.frame_index() < segment.end;
      if (record.roi_set_version == version || its_frame) {
        target = &segment;
        if (record.roi_set_version == version) break;
      }
    }
  }
  const std::int64_t before = target->traces->settled_end();
  try {
    if (!target->traces->append_settled(values)) return;  // not this folder's frame, or already written
  } catch (const Error& e) {
    ++metadata_.malformed_messages;
    warn("a settled row was skipped: " + std::string(e.what()));
    return;
  }
  record_of(*target).settled_not_received += target->traces->settled_end() - before - 1;
  refresh_record(*target);
  close_previous_segments(values.frame_index() + 1);
}

void Recording::complete_segment(OpenSegment& segment, std::int64_t end) {
  TraceSegment& traces = *segment.traces;
  end = std::max({end, traces.live_end(), traces.settled_end()});
  record_of(segment).frames_not_received += traces.pad_live_to(end);
  record_of(segment).settled_not_received += traces.pad_settled_to(end);
  refresh_record(segment);
}

void Recording::close_segment(OpenSegment& segment) {
  segment.traces->flush();
  refresh_record(segment);
  write_rois_json(segment);
  segment.traces.reset();
}

void Recording::close_previous_segments(std::optional<std::int64_t> frame) {
  for (auto segment = previous_.begin(); segment != previous_.end();) {
    const bool over = !frame || *frame >= segment->end || segment->traces->settled_end() >= segment->end;
    if (!over) {
      ++segment;
      continue;
    }
    // What did not come by now was lost.
    complete_segment(*segment, segment->end);
    close_segment(*segment);
    segment = previous_.erase(segment);
  }
}

template <class F> void Recording::for_each_open_segment(F f) {
  if (current_) f(*current_);
  for (OpenSegment& segment : previous_) f(segment);
}

void Recording::end_session(SessionEnd how, std::int64_t end_frame) {
  const bool end_of_stream_received = how == SessionEnd::kEndOfStream;
  if (end_of_stream_received) {
    if (end_frame > session_->next_frame) {
      metadata_.dropped_updates += end_frame - session_->next_frame;
      warn("the last " + std::to_string(end_frame - session_->next_frame) + " frames of the stream were not received");
    }
  } else {
    ++metadata_.end_of_stream_lost;
    warn("the end of the stream was not received: settled rows still missing are NaN, flag 8");
    end_frame = session_->next_frame;
  }
  close_previous_segments();
  complete_segment(*current_, end_frame);
  record_of(*current_).end_of_stream = true;
  record_of(*current_).end_of_stream_received = end_of_stream_received;
  close_segment(*current_);
  current_.reset();
  const int number = session_->number;
  const std::int64_t frames = std::max(end_frame, session_->next_frame);
  last_ended_session_ = std::make_pair(number, frames);
  session_.reset();
  // After a restart the stream may go on with the restarted calmond: open_session decides.
  if (!options_.until_signal && how != SessionEnd::kDaemonRestarted) {
    stop(end_of_stream_received ? "end_of_stream" : "end_of_stream_lost");
    const bool have_final = snapshot_ && snapshot_->session == number && snapshot_->message.frame_index() >= frames;
    if (!have_final && end_of_stream_received) final_snapshot_deadline_ = Clock::now() + kFinalSnapshotWait;
  }
  write_snapshot_files();
}

void Recording::stop(const std::string& reason) {
  if (!end_reason_) end_reason_ = reason;
}

// --- status, ROI sets, projections --------------------------------------------------------

void Recording::on_status(const pb::Status& status, const std::string& json) {
  status_lines_ << json << '\n';
  ++metadata_.status_messages;
  notice_daemon(status.daemon_id());
  if (end_reason_) return;
  if (status.width() > 0 && status.height() > 0) {
    const std::optional<PixelType> type = net::from_wire(status.pixel_type());
    movie_ = MovieFacts{status.width(), status.height(), type ? std::string(pixel_type_name(*type)) : "",
                        status.time_source(), status.time_base_rate_hz()};
  }
  if (status.streaming()) return;
  if (!session_) {
    saw_idle_daemon_ = true;
  } else {
    // Status shares the traces' socket, so it arrives in publication order: a Status
    // saying the stream is over, before its end of stream arrived, means the end of
    // stream was dropped.
    end_session(SessionEnd::kEndOfStreamLost, session_->next_frame);
  }
}

void Recording::on_rois(const pb::RoiSetInfo& info) {
  auto [known, inserted] = roi_sets_.try_emplace(info.version(), info);
  const bool changed = !inserted && known->second.SerializeAsString() != info.SerializeAsString();
  if (changed) known->second = info;
  for_each_open_segment([&](OpenSegment& segment) {
    const SegmentRecord& record = record_of(segment);
    if (record.roi_set_version == info.version() && (changed || !record.rois_json)) write_rois_json(segment);
  });
}

void Recording::on_projections(pb::ProjectionSnapshot snapshot) {
  ++metadata_.projection_snapshots;
  int session = sessions_started_ + 1;  // a session whose first frame has not arrived yet
  if (session_) {
    session = session_->number;
  } else if (last_ended_session_ && snapshot.frame_index() == last_ended_session_->second) {
    session = last_ended_session_->first;  // the final snapshot of the session that just ended
  }
  snapshot_ = Snapshot{std::move(snapshot), session, false};
  if (final_snapshot_deadline_ && last_ended_session_ && session == last_ended_session_->first) {
    final_snapshot_deadline_.reset();
    write_snapshot_files();
  }
}

// --- files --------------------------------------------------------------------------------

void Recording::refresh_record(const OpenSegment& segment) {
  SegmentRecord& record = record_of(segment);
  record.frames = segment.traces->live_end() - record.first_frame;
  record.settled_frames = segment.traces->settled_end() - record.first_frame;
}

void Recording::write_rois_json(const OpenSegment& segment) {
  SegmentRecord& record = record_of(segment);
  const auto info = roi_sets_.find(record.roi_set_version);
  if (info == roi_sets_.end()) return;
  if (info->second.rois_size() != static_cast<int>(record.rois)) return;  // not this set's info (yet)
  io::write_file_atomically(segment.directory + "/rois.json", describe_roi_set(info->second, record.frames, movie_));
  record.rois_json = true;
}

void Recording::write_snapshot_files() {
  if (!snapshot_ || snapshot_->written) return;
  // A session that has not started has no folder yet, unless the recording ends
  // without any: then the snapshot goes into OUT_DIR.
  if (snapshot_->session > sessions_started_ && !(end_reason_ && sessions_started_ == 0)) return;
  const std::string folder = session_folder(snapshot_->session);
  std::vector<std::string> problems;
  SnapshotRecord record{folder, snapshot_->message.frame_index(), snapshot_->message.sequence(),
                        write_snapshot(join(options_.out_dir, folder), snapshot_->message, problems)};
  for (const std::string& problem : problems) warn(problem);
  snapshot_->written = true;
  auto& records = metadata_.snapshots;
  std::erase_if(records, [&](const SnapshotRecord& r) { return r.folder == folder; });
  records.push_back(std::move(record));
}

void Recording::write_metadata() {
  io::write_file_atomically(options_.out_dir + "/metadata.json", describe_recording(metadata_));
}

void Recording::warn(const std::string& line) {
  warnings_ << "calmon-record: warning: " << options_.warning_prefix << line << std::endl;
}

}  // namespace calmon::record_tool
