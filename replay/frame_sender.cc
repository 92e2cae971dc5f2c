// frame_sender.cc — socket options, sends with a deadline, and the final flush; see the header.
#include "replay/frame_sender.h"

#include <algorithm>
#include <cerrno>

#include "core/error.h"
#include "net/frame_message.h"

namespace calmon::replay {
namespace {

constexpr std::size_t kQueueBytes = std::size_t{64} << 20;
constexpr std::chrono::milliseconds kStopCheckInterval{100};

int milliseconds_for_zmq(std::chrono::milliseconds duration) {
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(duration.count(), 0, 1'000'000'000));
}

}  // namespace

int queue_limit_frames(std::size_t frame_bytes) {
  const std::size_t frames = kQueueBytes / std::max<std::size_t>(frame_bytes, 1);
  return static_cast<int>(std::clamp<std::size_t>(frames, 2, 1000));
}

FrameSender::FrameSender(const std::string& endpoint, std::size_t frame_bytes, std::chrono::milliseconds timeout,
                         const std::optional<net::CurveClientKeys>& curve)
    : endpoint_(endpoint),
      timeout_(timeout),
      uses_curve_(curve.has_value()),
      context_(1),
      socket_(context_, zmq::socket_type::push) {
  net::apply_curve_client(socket_, curve);
  socket_.set(zmq::sockopt::sndhwm, queue_limit_frames(frame_bytes));
  socket_.set(zmq::sockopt::immediate, 1);
  socket_.set(zmq::sockopt::sndtimeo, milliseconds_for_zmq(timeout));
  socket_.set(zmq::sockopt::linger, milliseconds_for_zmq(timeout));
  try {
    socket_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    throw Error("cannot connect to '" + endpoint + "': " + e.what());
  }
}

FrameSender::~FrameSender() {
  if (socket_) socket_.set(zmq::sockopt::linger, 0);
}

bool FrameSender::wait_until_writable(StopRequested stop) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (stop == nullptr || !stop()) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return false;
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLOUT, 0};
    try {
      zmq::poll(&item, 1, std::min(remaining, kStopCheckInterval));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;  // a signal: look at `stop` again
      throw Error("cannot send to " + endpoint_ + ": " + e.what());
    }
    if ((item.revents & ZMQ_POLLOUT) != 0) return true;
  }
  return false;
}

SendOutcome FrameSender::send(const pb::FrameHeader& header, zmq::message_t pixels, StopRequested stop) {
  if (!wait_until_writable(stop)) {
    return stop != nullptr && stop() ? SendOutcome::kStopped : SendOutcome::kTimedOut;
  }
  try {
    return net::send_frame(socket_, header, std::move(pixels)) ? SendOutcome::kSent : SendOutcome::kTimedOut;
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return SendOutcome::kStopped;  // only if a room-signalling socket blocked after all
    throw Error("cannot send to " + endpoint_ + ": " + e.what());
  }
}

bool FrameSender::flush_and_close() {
  const auto started = std::chrono::steady_clock::now();
  socket_.close();
  context_.close();  // returns once the queue is written or the linger time is over
  return std::chrono::steady_clock::now() - started < timeout_;
}

}  // namespace calmon::replay
