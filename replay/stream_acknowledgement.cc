// stream_acknowledgement.cc — polling the control socket for the stream's report; see the header.
#include "replay/stream_acknowledgement.h"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <thread>

#include "core/error.h"

namespace calmon::replay {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kReplyPatience{1000};  // then the request goes again, on a new socket
constexpr std::chrono::milliseconds kStopCheckInterval{100};
constexpr std::chrono::milliseconds kAskInterval{20};

// The reply to one request, or nullopt if none came by `until` (or `stop()` said so).
std::optional<pb::ControlReply> ask(zmq::socket_t& socket, const std::string& request, Clock::time_point until,
                                    const std::function<bool()>& stop) {
  if (!socket.send(zmq::buffer(request), zmq::send_flags::dontwait)) return std::nullopt;
  while (!stop()) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (remaining.count() <= 0) return std::nullopt;
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::min(remaining, kStopCheckInterval));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;  // a signal: look at `stop` again
      throw;
    }
    if ((item.revents & ZMQ_POLLIN) == 0) continue;
    zmq::message_t bytes;
    if (!socket.recv(bytes, zmq::recv_flags::dontwait)) continue;
    pb::ControlReply reply;
    if (!reply.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      reply.set_ok(false);
      reply.set_error("a reply that is not a ControlReply");
    }
    return reply;
  }
  return std::nullopt;
}

// The report's counts: when they change, calmond is still working through the stream.
bool same_progress(const pb::StreamReport& a, const pb::StreamReport& b) {
  return a.known() == b.known() && a.frames_received() == b.frames_received() &&
         a.frames_processed() == b.frames_processed() && a.frames_rejected() == b.frames_rejected();
}

}  // namespace

zmq::socket_t open_control_socket(zmq::context_t& context, const std::string& endpoint,
                                  const std::optional<net::CurveClientKeys>& curve) {
  zmq::socket_t socket(context, zmq::socket_type::req);
  socket.set(zmq::sockopt::linger, 0);
  net::apply_curve_client(socket, curve);
  try {
    socket.connect(endpoint);
  } catch (const zmq::error_t& e) {
    throw Error("cannot connect to calmond's control socket '" + endpoint + "': " + e.what());
  }
  return socket;
}

Acknowledgement await_acknowledgement(const std::string& control_endpoint,
                                      const std::optional<net::CurveClientKeys>& curve, std::uint64_t stream_id,
                                      std::chrono::milliseconds patience, const std::function<bool()>& stop) {
  pb::ControlRequest query;
  query.mutable_stream()->set_stream_id(stream_id);
  const std::string request = query.SerializeAsString();

  zmq::context_t context(1);
  Acknowledgement result;
  bool answered = false;
  Clock::time_point deadline = Clock::now() + patience;
  while (Clock::now() < deadline) {
    zmq::socket_t socket = open_control_socket(context, control_endpoint, curve);
    while (Clock::now() < deadline) {
      const std::optional<pb::ControlReply> reply =
          ask(socket, request, std::min(deadline, Clock::now() + kReplyPatience), stop);
      if (stop()) {
        result.outcome = Acknowledgement::Outcome::kInterrupted;
        return result;
      }
      if (!reply) break;  // a fresh socket for the next try
      if (!reply->ok()) {
        result.outcome = Acknowledgement::Outcome::kRefused;
        result.error = reply->error();
        return result;
      }
      if (!answered || !same_progress(reply->stream(), result.report)) deadline = Clock::now() + patience;
      answered = true;
      result.report = reply->stream();
      if (result.report.end_of_stream_received()) {
        result.outcome = Acknowledgement::Outcome::kAcknowledged;
        return result;
      }
      std::this_thread::sleep_for(kAskInterval);
    }
  }
  result.outcome = answered ? Acknowledgement::Outcome::kNotAcknowledged : Acknowledgement::Outcome::kNoReply;
  return result;
}

std::optional<pb::Status> query_status(const std::string& control_endpoint,
                                       const std::optional<net::CurveClientKeys>& curve,
                                       std::chrono::milliseconds patience) {
  pb::ControlRequest query;
  query.mutable_status();
  const std::string request = query.SerializeAsString();
  zmq::context_t context(1);
  const Clock::time_point deadline = Clock::now() + patience;
  while (Clock::now() < deadline) {
    zmq::socket_t socket = open_control_socket(context, control_endpoint, curve);
    const std::optional<pb::ControlReply> reply =
        ask(socket, request, std::min(deadline, Clock::now() + kReplyPatience), [] { return false; });
    if (reply) {
      if (!reply->ok() || !reply->has_status()) return std::nullopt;
      return reply->status();
    }
  }
  return std::nullopt;
}

}  // namespace calmon::replay
