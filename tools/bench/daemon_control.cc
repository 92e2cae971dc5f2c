// daemon_control.cc — ControlRequest out, ControlReply in, over REQ.
#include "daemon_control.h"

#include <zmq.hpp>

#include <stdexcept>
#include <thread>

namespace calmon::bench {
namespace {

pb::ControlReply exchange(const std::string& endpoint, const pb::ControlRequest& request,
                          std::chrono::milliseconds deadline, const Curve& curve) {
  static zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::req);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::rcvtimeo, static_cast<int>(deadline.count()));
  net::apply_curve_client(socket, curve);
  socket.connect(endpoint);
  const std::string bytes = request.SerializeAsString();
  socket.send(zmq::buffer(bytes));
  zmq::message_t answer;
  if (!socket.recv(answer)) throw std::runtime_error("no control reply from " + endpoint);
  pb::ControlReply reply;
  if (!reply.ParseFromArray(answer.data(), static_cast<int>(answer.size())) || !reply.ok()) {
    throw std::runtime_error("control request failed: " + reply.error());
  }
  return reply;
}

}  // namespace

pb::Status request_status(const std::string& control_endpoint, std::chrono::milliseconds deadline, const Curve& curve) {
  pb::ControlRequest request;
  request.mutable_status();
  return exchange(control_endpoint, request, deadline, curve).status();
}

void request_shutdown(const std::string& control_endpoint, std::chrono::milliseconds deadline, const Curve& curve) {
  pb::ControlRequest request;
  request.mutable_shutdown();
  exchange(control_endpoint, request, deadline, curve);
}

void wait_for_subscribers(const std::string& control_endpoint, unsigned subscribers, std::chrono::milliseconds deadline,
                          const Curve& curve) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (request_status(control_endpoint, deadline, curve).subscribers() >= subscribers) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("the subscription did not become live in time");
}

}  // namespace calmon::bench
