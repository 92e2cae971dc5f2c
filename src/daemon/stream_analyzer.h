// stream_analyzer.h — calmond's session logic: frame messages in, published results out.
//
// Everything the pipeline thread decides lives here, apart from the sockets: each
// ingest message is decoded (net/frame_message.h), admitted or rejected by the
// SessionGate, pushed through the session's Pipeline — the pixels straight from the
// ZeroMQ message, never copied — and answered with a TraceUpdate carrying the frame's
// live numbers and every settled row the frame completed. Then the frame's projections
// start on the other core (ProjectionWorker), beside the next frame's traces: the
// traces never wait for images. The last two messages are kept, as the worker's input
// and as the snapshots' latest frame. Exactly as calmon-analyze
// drives its Pipeline (push, then drain pop_settled; at the end finish, then drain), so
// a recording of the settled values equals calmon-analyze's files bit for bit.
//
// Sessions: the first frame of a stream starts one (a Pipeline for its geometry, from
// the analysis config and the current ROI set); end of stream, reset, shutdown, a frame
// of another stream (a restarted sender) and — if configured — a change of geometry end
// it. An end of stream of another stream than the session's (both ids non-zero) ends
// nothing. Ending a session publishes its settled tail and a final ProjectionSnapshot.
// The tail goes out as TraceUpdates without live numbers (empty f, f0, ...; sequence
// and frame_index of the last frame; frame_index is then the session's frame count),
// split so that no message carries more than
// kSettledValuesPerMessage values; only the last one has end_of_stream = true, and
// every session ends with exactly one such update, even one without settled values.
// The same split applies when a live ROI change settles the old set's tail mid-stream:
// the frame's own update comes first, continuations after it; and no message carries
// settled rows of two ROI-set versions (they differ in width after a live edit).
//
// If the configured ROIs (or projections) do not fit the frames of a new session, the
// session still runs — without ROIs, or with the default projections too — and the log
// says why, so the projections can be watched and a fitting ROI set sent (set_rois).
//
// The state lives in four pieces that StreamAnalyzer coordinates: the session's
// Pipeline, held frames and projection worker (analysis_session.h, which also builds
// the Pipeline with the fallbacks above); the ROI set, its version and its RoiSetInfo
// (current_roi_set.h; a new set arrives prepared by roi_set_preparation.h, checked and
// compiled on another thread, and is installed between two frames); the counters for
// Status, saturating rather than wrapping (status_counters.h); and every message
// published, reused objects so that no allocation happens per frame once a stream runs
// steadily (analyzer_publishing.h). Kept here: a report per recent stream
// (stream_reports.h) that senders ask for after their end of stream, and the daemon id,
// a random number drawn at start that every Status and TraceUpdate carries so that
// subscribers notice a restarted calmond. The subscriptions and the ingest queue come
// from the loop, which reads the sockets — projection snapshots nobody subscribes to are
// not computed — and the bytes held and messages withheld from the Publisher.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "calmon/wire.pb.h"
#include "daemon/analysis_session.h"
#include "daemon/analyzer_publishing.h"
#include "daemon/control_request.h"
#include "daemon/current_roi_set.h"
#include "daemon/daemon_settings.h"
#include "daemon/ingest_queue.h"
#include "daemon/publisher.h"
#include "daemon/rate_limited_log.h"
#include "daemon/roi_set_preparation.h"
#include "daemon/session_gate.h"
#include "daemon/status_counters.h"
#include "daemon/stream_reports.h"
#include "net/frame_message.h"

namespace calmon::daemon {

// Status.rejected's key for a frame whose session could not be set up (out of memory).
inline constexpr std::string_view kSessionFailed = "session_failed";

// The coordinator: it decides what each message and tick means and hands the work to
// the pieces that own the state — the session (analysis_session.h), the ROI set
// (current_roi_set.h), the counters for Status (status_counters.h) and the publishing
// (analyzer_publishing.h). The frame path is stream_analyzer.cc; what control requests
// do, stream_analyzer_control.cc.
class StreamAnalyzer final : public ControlTarget {
 public:
  using LogSink = std::function<void(const std::string& line)>;

  StreamAnalyzer(const DaemonSettings& settings, Publisher& publisher, LogSink log);
  ~StreamAnalyzer() override;
  StreamAnalyzer(const StreamAnalyzer&) = delete;
  StreamAnalyzer& operator=(const StreamAnalyzer&) = delete;

  // One message of the ingest socket, all its parts, received at `receive_time_ns`.
  // A frame that is processed keeps its parts: `parts` then holds the previous
  // frame's, or nothing.
  void on_ingest_message(std::vector<zmq::message_t>& parts, std::int64_t receive_time_ns);
  // The status interval is over: publishes Status and RoiSetInfo.
  void on_status_tick();
  // Publishes a ProjectionSnapshot, unless no frame arrived since the last one.
  void on_snapshot_tick();
  // Publishes the current RoiSetInfo again, for a subscriber that just joined.
  void republish_roi_set();
  // Subscriptions active on the publish socket, for Status, and whether any of them
  // receives projections (if not, snapshots are not even computed).
  void set_subscribers(std::uint32_t count, bool projections_wanted) {
    counters_.set_subscribers(count);
    publishing_.set_projections_wanted(projections_wanted);
  }
  bool shutdown_requested() const { return shutdown_requested_; }
  // Adds to every Status what other parts of calmond count (the dashboard's refusals,
  // the ZAP handler's): `filler` runs on the pipeline thread and must outlive this.
  void add_status_filler(std::function<void(pb::Status&)> filler) { counters_.add_filler(std::move(filler)); }
  // The queue of received frames whose depth Status reports (null: none).
  void watch_ingest_queue(const IngestQueue* queue) { counters_.watch_ingest_queue(queue); }

  // ControlTarget
  void fill_status(pb::Status& status) override;
  void fill_projections(pb::ProjectionSnapshot& snapshot) override {
    session_.fill_projections(snapshot);
    snapshot.set_plane(plane_);
  }
  void fill_rois(pb::RoiSetInfo& rois) override { rois = roi_set_.info(); }
  void set_rois(const pb::RoiSet& rois) override;
  void install_rois(PreparedRoiSet rois) override;
  void edit_rois(const pb::ControlRequest& request) override;
  // What a change of the ROI set is prepared against now (roi_set_preparation.h).
  RoiSetBase roi_base() const;
  void fill_roi_file(const pb::RoiExport& request, pb::RoiFile& file, std::vector<std::string>& warnings) override;
  // The frames a new ROI set must be prepared for: the running (or last) session's;
  // none before the first session (or after reset).
  std::optional<FrameGeometry> roi_geometry() const { return session_.geometry(); }
  // What ROI sets are prepared with: the analysis config's defaults and the limits.
  const pb::Config& analysis() const { return roi_set_.analysis(); }
  const config::RoiLimits& roi_limits() const { return roi_set_.limits(); }
  // The ROI set every session starts with (the running one's, once replaced or edited),
  // and its version, which counts every change.
  const std::vector<RoiSettings>& configured_rois() const { return roi_set_.session_settings().rois; }
  std::uint32_t roi_set_version() const { return roi_set_.version(); }
  void reset() override;
  void shutdown() override;
  void fill_stream_report(std::uint64_t stream_id, pb::StreamReport& report) override {
    reports_.fill(stream_id, daemon_id_, report);
  }

 private:
  void on_frame(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts, std::int64_t receive_time_ns);
  void on_end_of_stream(const pb::FrameHeader& header, std::int64_t receive_time_ns);
  bool start_session(FrameGeometry geometry, const pb::FrameHeader& first);
  // A frame of the running session: analysed now, or kept until the motion reference exists.
  void process_frame(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts, std::uint64_t missing_before,
                     std::int64_t receive_time_ns);
  void analyse_frame(net::ReceivedFrame& frame, std::vector<zmq::message_t>& parts, std::uint64_t missing_before,
                     std::int64_t receive_time_ns);
  // Builds the motion reference from the frames that waited for it, then analyses them.
  void analyse_waiting_frames();
  void end_session(const std::string& why, std::int64_t receive_time_ns, std::int64_t acquisition_time_ns);
  void reject(std::string_view reason, const std::string& detail);

  std::size_t max_frame_bytes_;
  CurrentRoiSet roi_set_;
  AnalyzerPublishing publishing_;
  LogSink log_;
  RateLimitedLog rate_limited_log_;
  SessionGate gate_;
  StreamReports reports_;
  const std::uint64_t daemon_id_;
  const std::uint32_t plane_;  // --plane: stamped on every message, for subscribers of several daemons
  StatusCounters counters_;
  AnalysisSession session_;
  bool shutdown_requested_ = false;
  pb::Status status_;  // reused for every status tick
};

}  // namespace calmon::daemon
