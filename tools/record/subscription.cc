// subscription.cc — two SUB sockets polled together; see the header.
#include "subscription.h"

#include <cerrno>
#include <string_view>

#include "core/error.h"
#include "net/message_plane.h"
#include "net/multipart.h"
#include "net/topics.h"

namespace calmon::record_tool {
namespace {

constexpr int kTracesHighWaterMark = 1'000'000;  // messages; TraceUpdates are small
constexpr int kProjectionsHighWaterMark = 4;

void subscribe(zmq::socket_t& socket, std::string_view topic) { socket.set(zmq::sockopt::subscribe, topic); }

}  // namespace

Subscription::Subscription(zmq::context_t& context, const std::string& endpoint,
                           const std::optional<net::CurveClientKeys>& curve)
    : traces_(context, zmq::socket_type::sub), projections_(context, zmq::socket_type::sub) {
  net::apply_curve_client(traces_, curve);
  net::apply_curve_client(projections_, curve);
  traces_.set(zmq::sockopt::rcvhwm, kTracesHighWaterMark);
  projections_.set(zmq::sockopt::rcvhwm, kProjectionsHighWaterMark);
  for (zmq::socket_t* socket : {&traces_, &projections_}) socket->set(zmq::sockopt::linger, 0);
  subscribe(traces_, net::kTracesTopic);
  subscribe(traces_, net::kStatusTopic);
  subscribe(traces_, net::kRoisTopic);
  subscribe(projections_, net::kProjectionsTopic);
  subscribe(projections_, net::kStatusTopic);
  try {
    traces_.connect(endpoint);
    projections_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    throw Error("cannot connect to '" + endpoint + "': " + e.what());
  }
}

std::optional<PublishedMessage> Subscription::receive(std::chrono::milliseconds timeout) {
  if (std::optional<PublishedMessage> message = receive_now(traces_)) return message;
  if (std::optional<PublishedMessage> message = receive_now(projections_)) return message;
  zmq::pollitem_t items[] = {{traces_.handle(), 0, ZMQ_POLLIN, 0}, {projections_.handle(), 0, ZMQ_POLLIN, 0}};
  try {
    zmq::poll(items, 2, timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return std::nullopt;
    throw;
  }
  if (std::optional<PublishedMessage> message = receive_now(traces_)) return message;
  return receive_now(projections_);
}

bool Subscription::live_for(const std::vector<std::uint32_t>& planes) const {
  for (const std::uint32_t plane : planes) {
    if (!traces_status_planes_.contains(plane) || !projections_status_planes_.contains(plane)) return false;
  }
  return live();
}

std::optional<PublishedMessage> Subscription::receive_now(zmq::socket_t& socket) {
  while (true) {
    try {
      if (!net::receive_multipart(socket, parts_)) return std::nullopt;
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return std::nullopt;
      throw;
    }
    const bool well_formed = parts_.size() == 2;  // [topic][payload]; anything else is skipped
    PublishedMessage message{parts_[0].to_string(), well_formed ? std::move(parts_[1]) : zmq::message_t()};
    if (well_formed && message.topic == net::kStatusTopic) {
      if (const auto plane = net::message_plane(message.topic, message.payload.data(), message.payload.size())) {
        (&socket == &traces_ ? traces_status_planes_ : projections_status_planes_).insert(*plane);
      }
    }
    if (&socket == &traces_) traces_live_ = true;
    if (&socket == &projections_) {
      projections_live_ = true;
      if (message.topic != net::kProjectionsTopic) continue;  // a status, seen on the traces' socket too
    }
    if (well_formed) return message;
  }
}

}  // namespace calmon::record_tool
