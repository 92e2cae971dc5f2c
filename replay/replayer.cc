// replayer.cc — the send loop; see the header.
#include "replay/replayer.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
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

using io::ProgressBar;
using io::ProgressState;

// How long before a due time to stop sleeping and spin: a tenth of the period, at most
// 200 µs. Waking from a long sleep can take ~100 µs on a VM (deep idle states), which a
// 200 µs spin absorbs at 0.6 % of a core at 30 Hz; at 1 kHz the spin is 100 µs, 10 %.
std::int64_t spin_ns_for(double rate_hz) {
  return std::min<std::int64_t>(200'000, static_cast<std::int64_t>(1e8 / rate_hz));
}

pb::FrameHeader header_for(const MovieFrameSource& movie) {
  pb::FrameHeader header;
  header.set_width(static_cast<std::uint32_t>(movie.info().shape.width));
  header.set_height(static_cast<std::uint32_t>(movie.info().shape.height));
  header.set_pixel_type(net::to_wire(movie.info().pixel_type));
  header.set_channel(static_cast<std::uint32_t>(movie.channel()));
  header.set_plane(static_cast<std::uint32_t>(movie.slice()));
  header.set_frame_rate_hz(movie.time_base().rate.hz);
  return header;
}

// "10 s", "0.5 s".
std::string timeout_text(const FrameSender& sender) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(sender.timeout().count()) / 1e3);
  return text;
}

// Nothing took a frame for the whole timeout: there is no daemon (or one that does not
// accept this client's keys), or, once it had taken `frames_taken`, it stopped or died
// mid-stream (then its queue is lost with it).
[[noreturn]] void fail_no_daemon(const FrameSender& sender, std::int64_t frames_taken) {
  if (frames_taken == 0) {
    throw Error("no daemon is taking frames at " + sender.endpoint() + " (waited " + timeout_text(sender) + ")" +
                (sender.uses_curve() ? "; with CURVE, check that calmond authorizes this client's key and that "
                                       "--server-key is calmond's"
                                     : "; if calmond runs with CURVE, give --server-key and --client-key"));
  }
  throw Error("calmond at " + sender.endpoint() + " stopped taking frames after " + std::to_string(frames_taken) +
              " (waited " + timeout_text(sender) +
              "): it stopped or died mid-stream, and the end of stream was never acknowledged");
}

// One replay's state: the movie, the socket, the schedule and what has been sent.
class Replay {
 public:
  Replay(const ReplayOptions& options, bool show_progress)
      : options_(options),
        movie_(options.movie, options.channel, options.slice, options.first, options.last, options.max_frame_bytes),
        curve_(net::load_curve_client_keys(options.server_key_file, options.client_key_file)),
        sender_(options.endpoint, movie_.frame_bytes(), options.timeout, curve_),
        spin_ns_(options.rate_hz ? spin_ns_for(*options.rate_hz) : 0),
        header_(header_for(movie_)),
        progress_(stderr, show_progress) {
    header_.set_stream_id(options.stream_id.value_or(net::random_id()));
    summary_.endpoint = options.endpoint;
    summary_.target_rate_hz = options.rate_hz;
    summary_.first_sequence = options.start_sequence;
    summary_.control_endpoint = options.control_endpoint;
    std::int64_t total = 0;
    if (options.loops && !__builtin_mul_overflow(*options.loops, movie_.selection().count(), &total)) total_ = total;
    print_movie_warnings();
    for (const std::string& reason : movie_.time_base().rate.ignored) {
      std::cerr << "calmon-replay: warning: " << options_.movie << ": " << reason << "\n";
    }
  }

  ReplaySummary run() {
    reduce_timer_slack();
    const FrameSelection selection = movie_.selection();
    for (std::int64_t loop = 0; (!options_.loops || loop < *options_.loops) && !stop_requested(); ++loop) {
      for (std::int64_t t = selection.begin; t < selection.end && !stop_requested();) {
        if (send_frame(t, loop)) ++t;  // otherwise stopping, or frame t once more
      }
    }
    summary_.seconds = static_cast<double>(last_sent_ns_ - first_sent_ns_) / 1e9;
    progress_.finish(progress_state());
    print_movie_warnings();  // those of decoding, after the progress line
    // No frame taken means no stream to end (and, most likely, no daemon to wait for).
    if (options_.end_of_stream && summary_.frames_sent > 0) send_end_of_stream();
    summary_.signal = net::StopSignals::received();
    // The acknowledgement is awaited with the frames' socket still open: closing it first
    // may lose what ZeroMQ has taken from the queue but not yet written — over ipc:// the
    // last frames and the end of stream, now and then (ZeroMQ's linger does not cover it).
    if (options_.acknowledge && summary_.end_of_stream_sent && header_.stream_id() != 0) {
      // Only a signal that comes while waiting stops the wait: after the first one, a
      // second Ctrl-C ends the program (StopSignals::Repeat::kDefaultAction).
      const int signal_before = summary_.signal;
      summary_.acknowledgement =
          await_acknowledgement(options_.control_endpoint, curve_, header_.stream_id(), options_.timeout,
                                [&] { return net::StopSignals::received() != signal_before; });
    }
    if (!sender_.flush_and_close()) {
      throw Error("the daemon at " + sender_.endpoint() + " did not take the last queued frames within " +
                  timeout_text(sender_) + "; the end of the stream may be lost");
    }
    summary_.signal = net::StopSignals::received();
    return summary_;
  }

 private:
  // Reads movie frame t, waits for its due time (paced) and sends it; false if it was
  // not sent because a stop signal came first.
  bool send_frame(std::int64_t t, std::int64_t loop) {
    zmq::message_t pixels = movie_.read_message(t);
    const std::int64_t k = summary_.frames_sent;
    std::optional<SendSlot> slot;
    if (schedule_) {
      slot = schedule_->slot(k, monotonic_now_ns());
      if (!slot->late && !wait_until_due(slot->due_ns, spin_ns_)) return false;
    }
    const std::int64_t send_ns = monotonic_now_ns();
    header_.set_sequence(options_.start_sequence + static_cast<std::uint64_t>(k));
    header_.set_acquisition_time_ns(net::now_ns());
    if (const std::optional<double> time = replayed_frame_time_s(movie_.time_base(), movie_.selection(), t, loop)) {
      header_.set_frame_time_s(*time);
    } else {
      header_.clear_frame_time_s();
    }
    const SendOutcome outcome = sender_.send(header_, std::move(pixels), &stop_requested);
    if (outcome == SendOutcome::kTimedOut) fail_no_daemon(sender_, summary_.frames_sent);
    if (outcome == SendOutcome::kStopped) return false;
    if (k == 0) {  // the daemon took the first frame: the clock starts now
      first_sent_ns_ = last_sent_ns_ = monotonic_now_ns();
      if (options_.rate_hz) schedule_.emplace(first_sent_ns_, *options_.rate_hz);
    } else {
      last_sent_ns_ = send_ns;
      if (slot) {
        summary_.send_errors.record(send_ns - slot->due_ns);
        if (slot->late) ++summary_.late_frames;
      }
    }
    ++summary_.frames_sent;
    progress_.update(progress_state(), last_sent_ns_);
    return true;
  }

  void send_end_of_stream() {
    header_.set_end_of_stream(true);
    header_.clear_frame_time_s();  // the end of the stream is no frame
    header_.set_sequence(options_.start_sequence + static_cast<std::uint64_t>(summary_.frames_sent));
    header_.set_acquisition_time_ns(net::now_ns());
    // Not stopped by the signal that ended the frames: that is what it is sent for. A
    // second Ctrl-C finds SIGINT's default action and ends the process.
    const SendOutcome outcome = sender_.send(header_, zmq::message_t());
    if (outcome == SendOutcome::kTimedOut) fail_no_daemon(sender_, summary_.frames_sent);
    summary_.end_of_stream_sent = outcome == SendOutcome::kSent;
  }

  // libtiff's warnings about the movie, on stderr: each distinct one once, a few at most.
  void print_movie_warnings() {
    for (const std::string& warning : movie_.take_warnings()) {
      std::cerr << "calmon-replay: warning: " << options_.movie << ": libtiff: " << warning << "\n";
    }
  }

  ProgressState progress_state() const {
    return {summary_.frames_sent, total_, summary_.late_frames,
            static_cast<double>(last_sent_ns_ - first_sent_ns_) / 1e9};
  }

  const ReplayOptions& options_;
  MovieFrameSource movie_;
  std::optional<net::CurveClientKeys> curve_;  // for every socket to calmond (net::apply_curve_client)
  FrameSender sender_;
  net::StopSignals interrupts_{net::StopSignals::Repeat::kDefaultAction};  // from here on, SIGINT/SIGTERM ask to stop
  std::int64_t spin_ns_;
  pb::FrameHeader header_;
  ProgressBar progress_;
  std::optional<std::int64_t> total_;       // frames to send; nullopt with --loop-forever (or beyond int64)
  std::optional<PacingSchedule> schedule_;  // paced mode, from the first frame taken
  std::int64_t first_sent_ns_ = 0;
  std::int64_t last_sent_ns_ = 0;
  ReplaySummary summary_;
};

}  // namespace

ReplaySummary replay_movie(const ReplayOptions& options, bool show_progress) {
  return Replay(options, show_progress).run();
}

}  // namespace calmon::replay
