// follower.cc — the follow loop; see the header.
#include "follow/follower.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "core/error.h"
#include "follow/frame_source.h"
#include "follow/page_placement.h"
#include "follow/scanimage_placement.h"
#include "net/clock.h"
#include "net/curve_client.h"
#include "net/random_id.h"
#include "net/stop_signals.h"
#include "net/wire_pixel_type.h"
#include "replay/frame_sender.h"
#include "replay/monotonic_clock.h"
#include "replay/stream_acknowledgement.h"

namespace calmon::follow {
namespace {

constexpr std::int64_t kRedrawNs = 100'000'000;

bool stop_requested() { return net::StopSignals::received() != 0; }

bool exists(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0;
}

// The file's last modification, wall clock ns; 0 if it cannot be read.
std::int64_t modified_ns(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return 0;
  return static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec;
}

// "80x60 uint16".
std::string frame_text(const pb::FrameHeader& header) {
  std::string type = pb::PixelType_Name(header.pixel_type());
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::to_string(header.width()) + "x" + std::to_string(header.height()) + " " + type;
}

class Follower {
 public:
  Follower(const FollowOptions& options, bool show_progress)
      : options_(options),
        curve_(net::load_curve_client_keys(options.server_key_file, options.client_key_file)),
        show_progress_(show_progress) {
    header_.set_stream_id(options.stream_id.value_or(net::random_id()));
    result_.summary.program = "calmon-follow";
    result_.summary.endpoint = options.endpoint;
    result_.summary.as_written = true;
    result_.summary.first_sequence = options.start_sequence;
    result_.summary.control_endpoint = options.control_endpoint;
  }

  FollowResult run() {
    try {
      follow();
    } catch (const Error& e) {
      if (no_daemon_) throw;
      result_.error = e.what();
    }
    finish_progress_line();
    result_.summary.seconds = static_cast<double>(last_sent_ns_ - first_sent_ns_) / 1e9;
    if (sender_) end_stream();
    result_.summary.signal = net::StopSignals::received();
    return result_;
  }

 private:
  void follow() {
    const Warn warn = [this](const std::string& line) { this->warn(line); };
    std::unique_ptr<FrameSource> source;
    if (options_.folder.empty()) {
      source = std::make_unique<TiffSeriesSource>(options_.file, options_.max_frame_bytes, warn);
      placer_ = std::make_unique<SeriesPlacer>(options_.channel, options_.plane, warn);
    } else {
      source = std::make_unique<FrameFolderSource>(options_.folder, options_.glob, options_.channel, options_.plane,
                                                   options_.max_frame_bytes, warn);
      placer_ = std::make_unique<PlainPages>(static_cast<std::uint32_t>(options_.channel),
                                             static_cast<std::uint32_t>(options_.plane));
    }
    last_new_ns_ = replay::monotonic_now_ns();
    if (options_.from_now) {
      send_frames(source->skip_to_now(
          [this](const SourcedFrame& frame) { return placer_->is_followed(frame.path, frame.page); }));
    }
    bool said_waiting = false;
    while (!stop_requested()) {
      if (send_frames(source->poll())) continue;
      if (!said_waiting && result_.summary.frames_sent == 0) {
        said_waiting = true;
        if (const std::string line = source->waiting_line(); !line.empty()) warn(line);
      }
      if (!options_.stop_file.empty() && exists(options_.stop_file)) break;
      if (options_.idle_timeout &&
          replay::monotonic_now_ns() - last_new_ns_ >= options_.idle_timeout->count() * 1'000'000) {
        break;
      }
      std::this_thread::sleep_for(options_.poll_interval);
    }
    // The end: what is complete now is sent, what is cut off is reported.
    while (!stop_requested() && send_frames(source->poll())) {
    }
    if (!stop_requested()) source->finish();
  }

  // Sends `frames`; false if there were none.
  bool send_frames(std::vector<SourcedFrame> frames) {
    if (frames.empty()) return false;
    last_new_ns_ = replay::monotonic_now_ns();
    written_ns_ = modified_ns(frames.back().path);
    for (std::size_t i = 0; i < frames.size() && !stop_requested(); ++i) {
      PagePlacement placement = placer_->place(frames[i].path, frames[i].page);
      if (!placement.acquisition_time_ns) placement.acquisition_time_ns = frames[i].acquisition_time_ns;
      if (!placement.frame_time_s) placement.frame_time_s = frames[i].frame_time_s;
      if (placement.frame_rate_hz <= 0) placement.frame_rate_hz = frames[i].frame_rate_hz;
      gaps_ += frames[i].missing_before;
      if (placement.send)
        send(frames[i].page, frames[i].path, placement, static_cast<std::int64_t>(frames.size() - i - 1));
    }
    return true;
  }

  void send(const io::GrowingTiffPage& page, const std::string& path, const PagePlacement& placement,
            std::int64_t waiting) {
    check_frame(page, path);
    zmq::message_t pixels(page.pixels.data(), page.pixels.size());
    const std::int64_t k = result_.summary.frames_sent;
    header_.set_channel(placement.channel);
    header_.set_plane(placement.plane);
    header_.set_sequence(next_sequence());
    header_.set_acquisition_time_ns(placement.acquisition_time_ns.value_or(net::now_ns()));
    if (placement.frame_time_s) {
      header_.set_frame_time_s(*placement.frame_time_s);
    } else {
      header_.clear_frame_time_s();
    }
    header_.set_frame_rate_hz(placement.frame_rate_hz);
    const replay::SendOutcome outcome = sender_->send(header_, std::move(pixels), &stop_requested);
    if (outcome == replay::SendOutcome::kTimedOut) fail_no_daemon();
    if (outcome == replay::SendOutcome::kStopped) return;
    const std::int64_t now = replay::monotonic_now_ns();
    if (k == 0) first_sent_ns_ = now;
    last_sent_ns_ = now;
    ++result_.summary.frames_sent;
    write_age_ms_ = written_ns_ > 0 ? static_cast<double>(net::now_ns() - written_ns_) / 1e6 : 0;
    update_progress(waiting, now);
  }

  // The first page makes the socket and the header's frame; the others must match it.
  // A missing frame (a gap) is a sequence number skipped, so calmond counts it.
  std::uint64_t next_sequence() const {
    return options_.start_sequence + static_cast<std::uint64_t>(result_.summary.frames_sent) + gaps_;
  }

  void check_frame(const io::GrowingTiffPage& page, const std::string& path) {
    pb::FrameHeader frame;
    frame.set_width(static_cast<std::uint32_t>(page.shape.width));
    frame.set_height(static_cast<std::uint32_t>(page.shape.height));
    frame.set_pixel_type(net::to_wire(page.pixel_type));
    if (!sender_) {
      header_.set_width(frame.width());
      header_.set_height(frame.height());
      header_.set_pixel_type(frame.pixel_type());
      sender_.emplace(options_.endpoint, page.pixels.size(), options_.timeout, curve_);
      return;
    }
    if (frame.width() != header_.width() || frame.height() != header_.height() ||
        frame.pixel_type() != header_.pixel_type()) {
      throw Error(path + ": page " + std::to_string(page.index) + " is " + frame_text(frame) +
                  ", but the series before it is " + frame_text(header_));
    }
  }

  [[noreturn]] void fail_no_daemon() {
    no_daemon_ = true;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g s", static_cast<double>(options_.timeout.count()) / 1e3);
    if (result_.summary.frames_sent == 0) {
      throw Error("no daemon is taking frames at " + options_.endpoint + " (waited " + seconds + ")");
    }
    throw Error("calmond at " + options_.endpoint + " stopped taking frames after " +
                std::to_string(result_.summary.frames_sent) + " (waited " + seconds +
                "): it stopped or died mid-stream, and the end of stream was never acknowledged");
  }

  void end_stream() {
    replay::ReplaySummary& summary = result_.summary;
    if (options_.end_of_stream && summary.frames_sent > 0) {
      header_.set_end_of_stream(true);
      header_.set_sequence(next_sequence());
      header_.set_acquisition_time_ns(net::now_ns());
      const replay::SendOutcome outcome = sender_->send(header_, zmq::message_t());
      if (outcome == replay::SendOutcome::kTimedOut) fail_no_daemon();
      summary.end_of_stream_sent = outcome == replay::SendOutcome::kSent;
    }
    // Acknowledged before the socket is closed: closing it first may lose what ZeroMQ has
    // taken from the queue but not yet written (over ipc://, now and then, the last frames).
    if (options_.acknowledge && summary.end_of_stream_sent && header_.stream_id() != 0) {
      const int signal_before = net::StopSignals::received();
      summary.acknowledgement =
          replay::await_acknowledgement(options_.control_endpoint, curve_, header_.stream_id(), options_.timeout,
                                        [&] { return net::StopSignals::received() != signal_before; });
    }
    if (!sender_->flush_and_close()) {
      throw Error("the daemon at " + options_.endpoint + " did not take the last queued frames; the end of the " +
                  "stream may be lost");
    }
  }

  // "calmon-follow: 1200 frames sent  30.0 frames/s  lag 0 frames, newest written 3.2 ms before sent".
  void update_progress(std::int64_t waiting, std::int64_t now) {
    if (!show_progress_ || now - last_redraw_ns_ < kRedrawNs) return;
    last_redraw_ns_ = now;
    const double seconds = static_cast<double>(last_sent_ns_ - first_sent_ns_) / 1e9;
    const std::int64_t sent = result_.summary.frames_sent;
    char line[200];
    std::snprintf(line, sizeof line,
                  "\rcalmon-follow: %lld frames sent  %.1f frames/s  lag %lld frames, newest written %.1f ms before "
                  "sent ",
                  static_cast<long long>(sent), seconds > 0 ? static_cast<double>(sent - 1) / seconds : 0.0,
                  static_cast<long long>(waiting), write_age_ms_);
    std::fputs(line, stderr);
    progress_shown_ = true;
  }

  void finish_progress_line() {
    if (progress_shown_) std::fputs("\n", stderr);
    progress_shown_ = false;
  }

  void warn(const std::string& line) {
    finish_progress_line();
    std::cerr << "calmon-follow: " << line << "\n";
    result_.warnings.push_back(line);
  }

  const FollowOptions& options_;
  std::unique_ptr<PagePlacer> placer_;
  std::optional<net::CurveClientKeys> curve_;
  bool show_progress_;
  net::StopSignals interrupts_{net::StopSignals::Repeat::kDefaultAction};
  std::optional<replay::FrameSender> sender_;  // from the first page: its size bounds the queue
  pb::FrameHeader header_;
  std::uint64_t gaps_ = 0;  // frames missing so far (folder mode)
  std::int64_t last_new_ns_ = 0;
  std::int64_t first_sent_ns_ = 0;
  std::int64_t last_sent_ns_ = 0;
  std::int64_t written_ns_ = 0;
  double write_age_ms_ = 0;
  std::int64_t last_redraw_ns_ = 0;
  bool progress_shown_ = false;
  bool no_daemon_ = false;
  FollowResult result_;
};

}  // namespace

FollowResult follow_series(const FollowOptions& options, bool show_progress) {
  return Follower(options, show_progress).run();
}

}  // namespace calmon::follow
