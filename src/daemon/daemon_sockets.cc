// daemon_sockets.cc — creating, configuring and binding calmond's sockets; see the header.
#include "daemon/daemon_sockets.h"

#include <cmath>

#include "core/error.h"
#include "daemon/command.h"

namespace calmon::daemon {

namespace {

std::string bound_endpoint(zmq::socket_t& socket, const std::string& endpoint, const std::string& what,
                           bool connect = false) {
  try {
    if (connect) {
      socket.connect(endpoint);
    } else {
      socket.bind(endpoint);
    }
  } catch (const zmq::error_t& e) {
    throw Error("cannot " + std::string(connect ? "connect" : "bind") + " the " + what + " socket to " +
                endpoint + ": " + e.what());
  }
  return socket.get(zmq::sockopt::last_endpoint);
}

std::string json_string(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

DaemonSockets open_daemon_sockets(zmq::context_t& context, const DaemonSettings& settings) {
  const bool sub = settings.ingest_mode == DaemonSettings::IngestMode::kSub;
  DaemonSockets sockets{
      zmq::socket_t(context, sub ? zmq::socket_type::sub : zmq::socket_type::pull),
      zmq::socket_t(context, zmq::socket_type::xpub),
      zmq::socket_t(context, zmq::socket_type::rep),
      zmq::socket_t(context, zmq::socket_type::pair),
      {}, {}, {}};
  for (zmq::socket_t* socket : {&sockets.ingest, &sockets.control, &sockets.commands}) {
    socket->set(zmq::sockopt::linger, 0);
  }
  sockets.ingest.set(zmq::sockopt::rcvhwm, settings.ingest_hwm);
  sockets.ingest.set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(settings.max_frame_bytes + kIngestPartAllowance));
  if (sub) sockets.ingest.set(zmq::sockopt::subscribe, "");
  sockets.publish.set(zmq::sockopt::xpub_verboser, 1);
  sockets.publish.set(zmq::sockopt::sndhwm, settings.publish_hwm);
  sockets.publish.set(zmq::sockopt::linger, static_cast<int>(std::lround(settings.linger_s * 1000.0)));
  sockets.publish.set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(kMaxSubscriptionBytes));
  if (settings.subscriber_timeout_s > 0.0) {
    sockets.publish.set(zmq::sockopt::tcp_maxrt, static_cast<int>(std::lround(settings.subscriber_timeout_s * 1000.0)));
  }
  sockets.control.set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(settings.max_request_bytes));
  sockets.control.set(zmq::sockopt::rcvhwm, kControlRequestsQueued);
  sockets.control.set(zmq::sockopt::sndhwm, kControlRequestsQueued);  // replies a client has not read

  sockets.ingest_endpoint = bound_endpoint(sockets.ingest, settings.ingest, "ingest", sub);
  sockets.publish_endpoint = bound_endpoint(sockets.publish, settings.publish, "publish");
  sockets.control_endpoint = bound_endpoint(sockets.control, settings.control, "control");
  bound_endpoint(sockets.commands, kCommandEndpoint, "command");
  return sockets;
}

std::string ready_line(const DaemonSockets& sockets, const std::string& http_url) {
  return "{\"event\": \"ready\", \"ingest\": " + json_string(sockets.ingest_endpoint) +
         ", \"publish\": " + json_string(sockets.publish_endpoint) +
         ", \"control\": " + json_string(sockets.control_endpoint) +
         (http_url.empty() ? "" : ", \"http\": " + json_string(http_url)) + "}";
}

}  // namespace calmon::daemon
