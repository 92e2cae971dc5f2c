// daemon_sockets.cc — creating, configuring and binding calmond's sockets; see the header.
#include "daemon/daemon_sockets.h"

#include <cmath>

#include "calmon/output.pb.h"
#include "config/json_message.h"
#include "core/error.h"
#include "daemon/command.h"
#include "net/curve_client.h"

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
    throw Error("cannot " + std::string(connect ? "connect" : "bind") + " the " + what + " socket to " + endpoint +
                ": " + e.what());
  }
  return socket.get(zmq::sockopt::last_endpoint);
}

// ZMQ_ZAP_ENFORCE_DOMAIN, a draft option of libzmq 4.3 (not in its stable header).
constexpr int kZapEnforceDomain = 93;

void make_curve_server(zmq::socket_t& socket, const net::CurveKeyPair& keys, const char* name) {
  socket.set(zmq::sockopt::curve_server, 1);
  socket.set(zmq::sockopt::curve_secretkey, keys.secret_key);
  socket.set(zmq::sockopt::zap_domain, name);
  // Should the ZAP handler be missing, refuse every client rather than accept any (libzmq's
  // legacy default). The handler is bound before these sockets and outlives them anyway;
  // a libzmq without the option keeps that ordering as the only guard.
  const int enforce = 1;
  (void)zmq_setsockopt(socket.handle(), kZapEnforceDomain, &enforce, sizeof enforce);
}

}  // namespace

DaemonSockets open_daemon_sockets(zmq::context_t& context, const DaemonSettings& settings) {
  const bool sub = settings.ingest_mode == DaemonSettings::IngestMode::kSub;
  DaemonSockets sockets{zmq::socket_t(context, sub ? zmq::socket_type::sub : zmq::socket_type::pull),
                        zmq::socket_t(context, zmq::socket_type::xpub),
                        zmq::socket_t(context, zmq::socket_type::rep),
                        zmq::socket_t(context, zmq::socket_type::pair),
                        {},
                        {},
                        {},
                        {}};
  for (zmq::socket_t* socket : {&sockets.ingest, &sockets.control, &sockets.commands}) {
    socket->set(zmq::sockopt::linger, 0);
  }
  sockets.ingest.set(zmq::sockopt::rcvhwm, settings.ingest_hwm);
  sockets.ingest.set(zmq::sockopt::maxmsgsize,
                     static_cast<std::int64_t>(settings.max_frame_bytes + kIngestPartAllowance));
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
  if (settings.curve_keys) {
    sockets.server_key = settings.curve_keys->public_key;
    if (sub) {
      net::apply_curve_client(sockets.ingest, net::CurveClientKeys{settings.ingest_server_key, *settings.curve_keys});
    } else {
      make_curve_server(sockets.ingest, *settings.curve_keys, "ingest");
    }
    make_curve_server(sockets.publish, *settings.curve_keys, "publish");
    make_curve_server(sockets.control, *settings.curve_keys, "control");
  }

  sockets.ingest_endpoint = bound_endpoint(sockets.ingest, settings.ingest, "ingest", sub);
  sockets.publish_endpoint = bound_endpoint(sockets.publish, settings.publish, "publish");
  sockets.control_endpoint = bound_endpoint(sockets.control, settings.control, "control");
  bound_endpoint(sockets.commands, kCommandEndpoint, "command");
  return sockets;
}

std::string ready_line(const DaemonSockets& sockets, const std::string& http_url, const std::string& http_token) {
  pb::ReadyLine line;
  line.set_event("ready");
  line.set_ingest(sockets.ingest_endpoint);
  line.set_publish(sockets.publish_endpoint);
  line.set_control(sockets.control_endpoint);
  line.set_http(http_url);
  line.set_token(http_token);
  line.set_server_key(sockets.server_key);
  return config::print_json_message(line, {.defaults = false});
}

}  // namespace calmon::daemon
