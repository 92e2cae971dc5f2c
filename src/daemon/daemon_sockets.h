// daemon_sockets.h — every ZeroMQ socket of the pipeline thread, set up before it starts.
//
// Sockets are created, configured and bound (the ingest SUB connected) in the main
// thread, so a bad or busy endpoint stops calmond at start with one line, and the
// ready line can name the endpoints actually bound (ZMQ_LAST_ENDPOINT: port * becomes
// a number). Then the whole set moves to the pipeline thread, the only one that ever
// touches them (ZeroMQ sockets are not thread-safe).
//
//   ingest    PULL bound (or SUB connected, subscribed to everything), RCVHWM ingest_hwm,
//             MAXMSGSIZE max_frame_bytes + kIngestPartAllowance
//   publish   XPUB bound, ZMQ_XPUB_VERBOSER (every subscribe and unsubscribe is read,
//             to count subscriptions), SNDHWM publish_hwm, LINGER linger_s,
//             MAXMSGSIZE kMaxSubscriptionBytes, TCP_MAXRT subscriber_timeout_s
//   control   REP bound, MAXMSGSIZE max_request_bytes, RCVHWM and SNDHWM
//             kControlRequestsQueued (a REP drops a reply its client does not read)
//   commands  PAIR bound at kCommandEndpoint; the Asio thread connects the other end
//
// With CURVE on (settings.curve_keys), ingest (bound), publish and control are CURVE
// servers with calmond's key pair, their ZAP domain their name, so the ZAP handler
// (zap_handler.h, bound before them) decides which clients get in; a SUB ingest is a
// CURVE client of its publisher (settings.ingest_server_key) with the same key pair.
//
// ZMQ_MAXMSGSIZE bounds each message *part* a peer sends (libzmq checks the size in the
// part's header before allocating anything): a peer that announces a larger one is
// disconnected at once, so nothing near its size is ever allocated. ZMQ_TCP_MAXRT
// (Linux's TCP_USER_TIMEOUT) makes the kernel drop a subscriber connection that has
// taken no data for that long — a subscriber that stopped reading — which frees every
// message ZeroMQ held for it.
#pragma once

#include <zmq.hpp>

#include <cstddef>
#include <string>

#include "daemon/daemon_settings.h"

namespace calmon::daemon {

// What an ingest message part may exceed max_frame_bytes by: a FrameHeader is ~50 bytes,
// the pixel part exactly the frame; CURVE adds ~40 bytes per part on the wire. A pixel
// part up to this much too large still arrives, and is rejected as size_mismatch.
inline constexpr std::size_t kIngestPartAllowance = 4096;
// Subscriptions (and ZMTP commands) a subscriber may send: a topic is a few bytes.
inline constexpr std::size_t kMaxSubscriptionBytes = 4096;
// Requests a control client may have queued in ZeroMQ besides the one being answered,
// and replies it may leave unread (more are dropped: a projections reply can be 100 MB).
inline constexpr int kControlRequestsQueued = 2;

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
