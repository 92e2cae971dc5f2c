// routed_replayer.cc — the send loop over several planes and sockets; see the header.
#include "replay/routed_replayer.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "io/progress_bar.h"
#include "net/clock.h"
#include "net/random_id.h"
#include "net/stop_signals.h"
#include "net/wire_pixel_type.h"
#include "replay/frame_sender.h"
#include "replay/monotonic_clock.h"
#include "replay/movie_frame_source.h"
#include "replay/pacing_schedule.h"
#include "replay/replayed_frame_time.h"
#include "replay/stoppable_wait.h"
#include "replay/stream_acknowledgement.h"

namespace calmon::replay {
namespace {

std::string seconds_text(std::chrono::milliseconds timeout) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(timeout.count()) / 1e3);
  return text;
}

// One plane: its frames, its socket, its stream and what was sent on it.
struct Lane {
  Lane(const ReplayOptions& options, const PlaneRoute& route, const std::optional<net::CurveClientKeys>& curve)
      : route(route),
        movie(options.movie, options.channel, route.plane, options.first, options.last, options.max_frame_bytes),
        sender(route.endpoint, movie.frame_bytes(), options.timeout, curve) {
    header.set_width(static_cast<std::uint32_t>(movie.info().shape.width));
    header.set_height(static_cast<std::uint32_t>(movie.info().shape.height));
    header.set_pixel_type(net::to_wire(movie.info().pixel_type));
    header.set_channel(static_cast<std::uint32_t>(movie.channel()));
    header.set_plane(static_cast<std::uint32_t>(route.plane));
    header.set_frame_rate_hz(movie.time_base().rate.hz);
    header.set_stream_id(net::random_id());
    summary.program = "calmon-replay: plane " + std::to_string(route.plane);
    summary.endpoint = route.endpoint;
    summary.control_endpoint = route.control_endpoint;
    summary.target_rate_hz = options.rate_hz;
    summary.first_sequence = options.start_sequence;
  }

  PlaneRoute route;
  MovieFrameSource movie;
  FrameSender sender;
  pb::FrameHeader header;
  ReplaySummary summary;
  zmq::message_t pixels;  // the next frame, read before its due time
};

class RoutedReplay {
 public:
  RoutedReplay(const ReplayOptions& options, bool show_progress)
      : options_(options),
        curve_(net::load_curve_client_keys(options.server_key_file, options.client_key_file)),
        spin_ns_(options.rate_hz ? std::min<std::int64_t>(200'000, static_cast<std::int64_t>(1e8 / *options.rate_hz))
                                 : 0),
        progress_(stderr, show_progress) {
    for (const PlaneRoute& route : options.routes) lanes_.push_back(std::make_unique<Lane>(options, route, curve_));
    std::int64_t total = 0;
    const std::int64_t volumes = lanes_.front()->movie.selection().count();
    if (options.loops && !__builtin_mul_overflow(*options.loops, volumes, &total)) total_ = total;
    if (options.acknowledge) check_daemon_planes();
  }

  std::vector<ReplaySummary> run() {
    reduce_timer_slack();
    const FrameSelection selection = lanes_.front()->movie.selection();
    for (std::int64_t loop = 0; (!options_.loops || loop < *options_.loops) && !stop_requested(); ++loop) {
      for (std::int64_t t = selection.begin; t < selection.end && !stop_requested(); ++t) send_volume(t, loop);
    }
    const double seconds = static_cast<double>(last_sent_ns_ - first_sent_ns_) / 1e9;
    progress_.finish(progress_state());
    for (auto& lane : lanes_) {
      lane->summary.seconds = seconds;
      if (options_.end_of_stream && lane->summary.frames_sent > 0) send_end_of_stream(*lane);
    }
    // Each acknowledgement is awaited with every frames' socket still open: closing one
    // first may lose what ZeroMQ has taken from its queue but not yet written (over ipc://
    // the last frames and the end of stream, now and then; the linger does not cover it).
    std::vector<ReplaySummary> summaries;
    for (auto& lane : lanes_) {
      lane->summary.signal = net::StopSignals::received();
      if (options_.acknowledge && lane->summary.end_of_stream_sent) {
        const int signal_before = lane->summary.signal;
        lane->summary.acknowledgement =
            await_acknowledgement(lane->route.control_endpoint, curve_, lane->header.stream_id(), options_.timeout,
                                  [&] { return net::StopSignals::received() != signal_before; });
        lane->summary.signal = net::StopSignals::received();
      }
    }
    for (auto& lane : lanes_) {
      if (!lane->sender.flush_and_close()) {
        throw Error("the daemon at " + lane->route.endpoint + " did not take the last queued frames of plane " +
                    std::to_string(lane->route.plane) + " within " + seconds_text(options_.timeout) +
                    "; the end of the stream may be lost");
      }
      lane->summary.signal = net::StopSignals::received();
      summaries.push_back(lane->summary);
    }
    return summaries;
  }

 private:
  // A calmond analysing another plane would reject every frame sent to it.
  void check_daemon_planes() {
    for (const auto& lane : lanes_) {
      const std::optional<pb::Status> status = query_status(lane->route.control_endpoint, curve_, options_.timeout);
      if (!status) {
        throw Error("no calmond answers at " + lane->route.control_endpoint + " (plane " +
                    std::to_string(lane->route.plane) + "'s control socket; waited " + seconds_text(options_.timeout) +
                    "); give --route Z=INGEST,CONTROL if it listens elsewhere, or --no-ack for a receiver that is "
                    "no calmond");
      }
      if (status->plane() != static_cast<std::uint32_t>(lane->route.plane)) {
        throw Error("calmond at " + lane->route.control_endpoint + " analyses plane " +
                    std::to_string(status->plane()) + ", not plane " + std::to_string(lane->route.plane) +
                    ": route each plane to the calmond started with its --plane");
      }
    }
  }

  // Time point t of every plane: read, then sent together at the volume's due time.
  void send_volume(std::int64_t t, std::int64_t loop) {
    for (auto& lane : lanes_) lane->pixels = lane->movie.read_message(t);
    const std::int64_t k = volumes_sent_;
    std::optional<SendSlot> slot;
    if (schedule_) {
      slot = schedule_->slot(k, monotonic_now_ns());
      if (!slot->late && !wait_until_due(slot->due_ns, spin_ns_)) return;
    }
    const std::int64_t send_ns = monotonic_now_ns();
    for (auto& lane : lanes_) {
      Lane& l = *lane;
      l.header.set_sequence(options_.start_sequence + static_cast<std::uint64_t>(l.summary.frames_sent));
      l.header.set_acquisition_time_ns(net::now_ns());
      if (const std::optional<double> time = replayed_frame_time_s(l.movie.time_base(), l.movie.selection(), t, loop)) {
        l.header.set_frame_time_s(*time);
      } else {
        l.header.clear_frame_time_s();
      }
      const SendOutcome outcome = l.sender.send(l.header, std::move(l.pixels), &stop_requested);
      if (outcome == SendOutcome::kTimedOut) fail_no_daemon(l);
      if (outcome == SendOutcome::kStopped) return;
      if (k > 0 && slot) {
        l.summary.send_errors.record(monotonic_now_ns() - slot->due_ns);
        if (slot->late) ++l.summary.late_frames;
      }
      ++l.summary.frames_sent;
    }
    if (k == 0) {  // every daemon took its first frame: the clock starts now
      first_sent_ns_ = last_sent_ns_ = monotonic_now_ns();
      if (options_.rate_hz) schedule_.emplace(first_sent_ns_, *options_.rate_hz);
    } else {
      last_sent_ns_ = send_ns;
    }
    ++volumes_sent_;
    progress_.update(progress_state(), last_sent_ns_);
  }

  void send_end_of_stream(Lane& lane) {
    lane.header.set_end_of_stream(true);
    lane.header.clear_frame_time_s();
    lane.header.set_sequence(options_.start_sequence + static_cast<std::uint64_t>(lane.summary.frames_sent));
    lane.header.set_acquisition_time_ns(net::now_ns());
    const SendOutcome outcome = lane.sender.send(lane.header, zmq::message_t());
    if (outcome == SendOutcome::kTimedOut) fail_no_daemon(lane);
    lane.summary.end_of_stream_sent = outcome == SendOutcome::kSent;
  }

  [[noreturn]] void fail_no_daemon(const Lane& lane) {
    const std::string plane = "plane " + std::to_string(lane.route.plane);
    if (lane.summary.frames_sent == 0) {
      throw Error("no daemon is taking frames of " + plane + " at " + lane.route.endpoint + " (waited " +
                  seconds_text(options_.timeout) + ")");
    }
    throw Error("calmond at " + lane.route.endpoint + " stopped taking frames of " + plane + " after " +
                std::to_string(lane.summary.frames_sent) + " (waited " + seconds_text(options_.timeout) +
                "): it stopped or died mid-stream");
  }

  io::ProgressState progress_state() const {
    std::int64_t late = 0;
    for (const auto& lane : lanes_) late = std::max(late, lane->summary.late_frames);
    return {volumes_sent_, total_, late, static_cast<double>(last_sent_ns_ - first_sent_ns_) / 1e9};
  }

  const ReplayOptions& options_;
  std::optional<net::CurveClientKeys> curve_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  net::StopSignals interrupts_{net::StopSignals::Repeat::kDefaultAction};
  std::int64_t spin_ns_;
  io::ProgressBar progress_;
  std::optional<std::int64_t> total_;
  std::optional<PacingSchedule> schedule_;
  std::int64_t volumes_sent_ = 0;
  std::int64_t first_sent_ns_ = 0;
  std::int64_t last_sent_ns_ = 0;
};

}  // namespace

std::vector<ReplaySummary> replay_routes(const ReplayOptions& options, bool show_progress) {
  return RoutedReplay(options, show_progress).run();
}

}  // namespace calmon::replay
