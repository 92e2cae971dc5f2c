// daemon_sockets.h — every ZeroMQ socket of the pipeline thread, set up before it starts.
//
// Sockets are created, configured and bound (the ingest SUB connected) in the main
// thread, so a bad or busy endpoint stops calmond at start with one line, and the
// ready line can name the endpoints actually bound (ZMQ_LAST_ENDPOINT: port * becomes
// a number). Then the whole set moves to the pipeline thread, the only one that ever
// touches them (ZeroMQ sockets are not thread-safe).
//
//   ingest    PULL bound (or SUB connected, subscribed to everything), RCVHWM ingest_hwm
//   publish   XPUB bound, ZMQ_XPUB_VERBOSER (every subscribe and unsubscribe is read,
//             to count subscriptions), SNDHWM publish_hwm, LINGER linger_s
//   control   REP bound
//   commands  PAIR bound at kCommandEndpoint; the Asio thread connects the other end
//
// With CURVE on (settings.curve_keys), ingest (bound), publish and control are CURVE
// servers with calmond's key pair, their ZAP domain their name, so the ZAP handler
// (zap_handler.h, bound before them) decides which clients get in; a SUB ingest is a
// CURVE client of its publisher (settings.ingest_server_key) with the same key pair.
#pragma once

#include <zmq.hpp>

#include <string>

#include "daemon/daemon_settings.h"

namespace calmon::daemon {

struct DaemonSockets {
  zmq::socket_t ingest;
  zmq::socket_t publish;
  zmq::socket_t control;
  zmq::socket_t commands;
  // The endpoints as bound (or connected).
  std::string ingest_endpoint;
  std::string publish_endpoint;
  std::string control_endpoint;
  std::string server_key;  // calmond's public key (Z85) when CURVE is on, else ""
};

// Throws calmon::Error naming the socket and endpoint that could not be set up.
DaemonSockets open_daemon_sockets(zmq::context_t& context, const DaemonSettings& settings);

// {"event": "ready", "ingest": "...", "publish": "...", "control": "..."}, then
// "http": "http://127.0.0.1:PORT/" when the dashboard runs (`http_url` not empty),
// "token": "..." when the dashboard needs one (`http_token` not empty; the URL has it too)
// and "server_key": "<Z85>" when CURVE is on.
std::string ready_line(const DaemonSockets& sockets, const std::string& http_url = {},
                       const std::string& http_token = {});

}  // namespace calmon::daemon
