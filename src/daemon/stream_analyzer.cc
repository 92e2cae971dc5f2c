// stream_analyzer.cc — the frame path: messages decoded, admitted, analysed and answered; sessions started and ended.
#include "daemon/stream_analyzer.h"

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include "daemon/non_finite_pixels.h"
#include "daemon/plural.h"
#include "net/random_id.h"

namespace calmon::daemon {

StreamAnalyzer::StreamAnalyzer(const DaemonSettings& settings, Publisher& publisher, LogSink log)
    : max_frame_bytes_(settings.max_frame_bytes),
      roi_set_(settings.analysis, settings.roi_limits, settings.plane),
      publishing_(publisher, settings.plane),
      log_(std::move(log)),
      rate_limited_log_(log_),
      gate_(GateSettings{settings.channel, settings.plane, settings.reset_on_geometry_change,
                         settings.max_sequence_jump}),
      daemon_id_(net::random_id()),
      plane_(settings.plane) {
  session_.set_roi_threads(settings.roi_threads);
}

StreamAnalyzer::~StreamAnalyzer() = default;

// --- frames ------------------------------------------------------------------------------

void StreamAnalyzer::on_ingest_message(std::vector<zmq::message_t>& parts, std::int64_t receive_time_ns) {
  counters_.frame_received();
  net::DecodedFrame decoded = net::decode_frame(parts, max_frame_bytes_);
  if (const auto* rejected = std::get_if<net::RejectedMessage>(&decoded)) {
    reports_.frame_received(rejected->stream_id);
    reports_.frame_rejected(rejected->stream_id);
    reject(net::rejection_name(rejected->reason), rejected->detail);
    return;
  }
  net::ReceivedFrame& frame = std::get<net::ReceivedFrame>(decoded);
  if (frame.header.end_of_stream()) {
    on_end_of_stream(frame.header, receive_time_ns);
  } else {
    on_frame(frame, parts, receive_time_ns);
  }
}

void StreamAnalyzer::on_frame(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts,
                              std::int64_t receive_time_ns) {
  const pb::FrameHeader& header = frame.header;
  const FrameGeometry geometry{header.width(), header.height(), frame.pixels.type()};
  reports_.frame_received(header.stream_id());
  const Admission admission = gate_.admit(header, geometry);
  switch (admission.kind) {
    case Admission::Kind::kReject:
      reports_.frame_rejected(header.stream_id());
      reject(net::rejection_name(admission.reason), admission.detail);
      return;
    case Admission::Kind::kRestartSession: end_session(admission.detail, receive_time_ns, 0); [[fallthrough]];
    case Admission::Kind::kStartSession:
      if (!start_session(geometry, header)) {
        reports_.frame_rejected(header.stream_id());
        return;
      }
      break;
    case Admission::Kind::kContinueSession:
      if (admission.missing_before > 0) {
        counters_.gap(admission.missing_before);
        rate_limited_log_.write("gap",
                                "gap: " + plural(admission.missing_before, "frame") + " missing before frame " +
                                    std::to_string(header.sequence()),
                                std::chrono::steady_clock::now());
      }
      break;
  }
  reports_.frame_processed(header.stream_id(), header.sequence(), counters_.sessions(), admission.missing_before);
  process_frame(frame, parts, admission.missing_before, receive_time_ns);
}

void StreamAnalyzer::on_end_of_stream(const pb::FrameHeader& header, std::int64_t receive_time_ns) {
  reports_.end_of_stream_received(header.stream_id());
  if (!session_.streaming()) {
    rate_limited_log_.write("end_of_stream", "end of stream without a session: nothing to end",
                            std::chrono::steady_clock::now());
    return;
  }
  if (is_other_stream(header.stream_id(), session_.stream_id())) {
    rate_limited_log_.write("other_stream_end",
                            "end of stream " + std::to_string(header.stream_id()) +
                                " ignored: the running session is stream " + std::to_string(session_.stream_id()),
                            std::chrono::steady_clock::now());
    return;
  }
  gate_.end_session();
  end_session("end of stream", receive_time_ns, header.acquisition_time_ns());
}

void StreamAnalyzer::process_frame(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts,
                                   std::uint64_t missing_before, std::int64_t receive_time_ns) {
  if (session_.awaits_reference()) {
    if (session_.wait_for_reference(frame, parts, missing_before, receive_time_ns)) analyse_waiting_frames();
    return;
  }
  analyse_frame(frame, parts, missing_before, receive_time_ns);
}

void StreamAnalyzer::analyse_waiting_frames() {
  const std::string problem = session_.build_reference();
  const std::string session = "session " + std::to_string(counters_.sessions());
  if (problem.empty()) {
    log_(session + ": motion reference built from the first " +
         plural(session_.motion()->reference_frames_used(), "frame"));
  } else {
    log_(session + ": " + problem + "; frames are analysed unregistered");
  }
  for (AnalysisSession::WaitingFrame& waiting : session_.take_waiting()) {
    analyse_frame(waiting.frame, waiting.parts, waiting.missing_before, waiting.receive_time_ns);
  }
}

void StreamAnalyzer::analyse_frame(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts,
                                   std::uint64_t missing_before, std::int64_t receive_time_ns) {
  const net::ReceivedFrame& held = session_.hold(frame, parts);
  if (has_non_finite_pixels(held.pixels)) counters_.non_finite_frame();
  const FrameResult& result = session_.push_traces();
  counters_.frame_processed();
  const std::int64_t acquired = held.header.acquisition_time_ns();
  const FrameStamp stamp{session_.last_sequence(),
                         result.frame,
                         acquired,
                         receive_time_ns,
                         result.roi_set_version,
                         session_.stream_id(),
                         daemon_id_,
                         session_.time_of(held.header),
                         counters_.sessions(),
                         plane_};
  const FrameMotion* motion = nullptr;
  if (session_.motion()) {
    motion = &session_.last_motion();
    counters_.frame_moved(*motion);
  }
  const std::int64_t published =
      publishing_.publish_frame(stamp, result, motion, missing_before, *session_.pipeline(), session_.ledger());
  counters_.frame_published(published - receive_time_ns,
                            acquired != 0 ? std::optional<std::int64_t>(published - acquired) : std::nullopt);
  session_.start_projections();
}

// --- sessions ----------------------------------------------------------------------------

bool StreamAnalyzer::start_session(FrameGeometry geometry, const pb::FrameHeader& first) {
  const std::uint64_t number = counters_.session_started();
  const std::string session = "session " + std::to_string(number);
  session_.stop();  // the last session's memory goes before the next one's is taken
  try {
    session_.start(build_session_pipeline(roi_set_.session_settings(), roi_set_.version(), geometry, roi_set_.limits(),
                                          session, log_),
                   first);
  } catch (const std::exception& e) {
    session_.stop();
    gate_.end_session();
    reject(kSessionFailed, session + " (" + geometry.describe() + ") could not start: " + e.what());
    return false;
  }
  publishing_.forget_last_snapshot();
  roi_set_.describe_session(*session_.pipeline(), number);
  publishing_.publish_rois(roi_set_.info(), Publisher::Importance::kEssential);
  const std::int64_t lag = session_.pipeline()->settled_lag();
  const std::string stream =
      session_.stream_id() == 0 ? std::string() : " of stream " + std::to_string(session_.stream_id());
  log_(
      session + " started with frame " + std::to_string(session_.first_sequence()) + stream + ": " +
      geometry.describe() + ", " + plural(session_.pipeline()->roi_count(), "ROI") + ", settled values " +
      (lag < 0 ? std::string("at the end of the stream") : plural(static_cast<std::uint64_t>(lag), "frame") + " late"));
  return true;
}

void StreamAnalyzer::end_session(const std::string& why, std::int64_t receive_time_ns,
                                 std::int64_t acquisition_time_ns) {
  if (session_.streaming() && session_.awaits_reference()) analyse_waiting_frames();  // a stream shorter than that
  if (!session_.finish()) return;
  Pipeline& pipeline = *session_.pipeline();
  const FrameStamp stamp{session_.last_sequence(),
                         pipeline.frames(),
                         acquisition_time_ns,
                         receive_time_ns,
                         pipeline.roi_set_version(),
                         session_.stream_id(),
                         daemon_id_,
                         std::nullopt,
                         counters_.sessions(),
                         plane_};
  publishing_.publish_tail(stamp, pipeline, session_.ledger());
  publishing_.publish_snapshot(session_, Publisher::Importance::kEssential);  // the stream's final images
  log_("session " + std::to_string(counters_.sessions()) + " ended (" + why + ") after " +
       plural(static_cast<std::uint64_t>(pipeline.frames()), "frame"));
}

// --- ticks and rejections ----------------------------------------------------------------

void StreamAnalyzer::on_snapshot_tick() { publishing_.on_snapshot_tick(session_); }

void StreamAnalyzer::republish_roi_set() {
  publishing_.publish_rois(roi_set_.info(), Publisher::Importance::kOptional);
}

void StreamAnalyzer::on_status_tick() {
  const auto now = std::chrono::steady_clock::now();
  counters_.complete_interval(now);
  fill_status(status_);
  publishing_.publish_status(status_, roi_set_.info());
  rate_limited_log_.flush(now);
  publishing_.flush_log(now);
}

void StreamAnalyzer::reject(std::string_view reason, const std::string& detail) {
  counters_.rejected(reason);
  rate_limited_log_.write(reason, "rejected (" + std::string(reason) + "): " + detail,
                          std::chrono::steady_clock::now());
}

}  // namespace calmon::daemon
