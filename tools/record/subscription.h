// subscription.h — the recorder's two SUB sockets on calmond's publish socket.
//
// Traces, status and ROI sets share one socket, so they arrive in the order calmond
// published them (the recorder relies on that: a Status saying the stream ended comes
// after the stream's last TraceUpdate). Its receive high-water mark is large: a
// recorder that falls behind for a moment catches up instead of losing frames.
// Projection snapshots are big and only the newest matters, so they have their own
// socket with a small high-water mark; they never hold traces up. That socket
// subscribes to "status" too, only to learn that its subscription is live: calmond
// publishes Status every second, so once both sockets have received one, nothing
// published afterwards is missed (live()); those extra copies are not handed out.
// Through calmon-proxy, each calmond's subscription is live once its own Status came on
// both sockets: live_for() asks that of every plane a recorder waits for.
#pragma once

#include <zmq.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "net/curve_client.h"

namespace calmon::record_tool {

struct PublishedMessage {
  std::string topic;
  zmq::message_t payload;
};

class Subscription {
 public:
  // Throws calmon::Error if ZeroMQ rejects the endpoint. With `curve`, both sockets are
  // CURVE clients (net/curve_client.h).
  Subscription(zmq::context_t& context, const std::string& endpoint,
               const std::optional<net::CurveClientKeys>& curve = std::nullopt);

  // The next message, waiting at most `timeout`; nullopt on timeout or when a signal
  // interrupted the wait. Malformed messages (no payload part) are skipped.
  std::optional<PublishedMessage> receive(std::chrono::milliseconds timeout);
  // Both subscriptions have delivered a message.
  bool live() const { return traces_live_ && projections_live_; }
  // Both subscriptions have delivered a Status of each of `planes` (Status.plane).
  bool live_for(const std::vector<std::uint32_t>& planes) const;

 private:
  std::optional<PublishedMessage> receive_now(zmq::socket_t& socket);

  zmq::socket_t traces_;               // "traces", "status", "rois"
  zmq::socket_t projections_;          // "projections" (and "status", to know it is live)
  std::vector<zmq::message_t> parts_;  // the message being received; keeps its capacity
  bool traces_live_ = false;
  bool projections_live_ = false;
  std::set<std::uint32_t> traces_status_planes_;  // planes whose Status came on each socket
  std::set<std::uint32_t> projections_status_planes_;
};

}  // namespace calmon::record_tool
