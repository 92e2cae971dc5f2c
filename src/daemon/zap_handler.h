// zap_handler.h — who may connect to calmond's CURVE sockets: a ZAP handler on its own thread.
//
// With CURVE on (--curve-secret-key, --curve-authorized-keys), every socket calmond binds
// is a CURVE server, as in the ZeroMQ guide's "Ironhouse" pattern. CURVE itself makes a
// client prove that it holds the secret key of the public key it presents; whether that
// public key may connect is asked of the ZAP handler (ZeroMQ Authentication Protocol,
// RFC 27/ZAP 1.0): a REP socket bound to inproc://zeromq.zap.01 in calmond's ZeroMQ
// context, which libzmq sends one request per handshake. This handler answers 200 for
// a CURVE client whose public key is among the authorized keys and 400 for anything
// else; libzmq then completes or drops the connection. Each server socket's ZAP domain
// is its name ("ingest", "publish", "control"), so a request says which socket it is for.
//
// The handler has a thread of its own, the only one touching its socket, so a handshake
// is answered at once even while the pipeline thread is busy with a frame. Refusals are
// counted per socket (RefusalCounts, read by Status as auth_refused) and logged — at
// most one line per socket per second, naming the socket, the first characters of the
// key and the peer's address. A refused client typically retries every 100 ms, so the
// counts are attempts, not clients.
//
// The authorized keys are read once, at start; the handler must be bound before any
// CURVE socket and stopped after they are closed (libzmq accepts every CURVE client
// when no handler is bound).
#pragma once

#include <zmq.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/rate_limited_log.h"

namespace calmon::daemon {

inline constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

// The answer to one ZAP request (its frames as received): the reply frames, and what
// the log and the counts need to know about it.
struct ZapAnswer {
  std::vector<std::string> reply;  // version, request id, status code, status text, user id, metadata
  bool accepted = false;
  std::string socket;   // the request's ZAP domain: the socket's name
  std::string key;      // the client's CURVE public key in Z85 ("" for another mechanism)
  std::string address;  // the peer's address, as libzmq gives it
  std::string reason;   // why it was refused, for the log
};

// Pure: accepts a CURVE client whose public key (Z85) is in `authorized`; refuses any
// other mechanism, any other key and malformed requests.
ZapAnswer answer_zap_request(const std::vector<std::string>& request, const std::set<std::string>& authorized);

// Refusals by socket name, counted by the ZAP thread and read by the pipeline thread.
class RefusalCounts {
 public:
  // Every socket of `names` is reported, with 0 until a refusal.
  explicit RefusalCounts(const std::vector<std::string>& names);
  void add(const std::string& socket);
  std::map<std::string, std::uint64_t> counts() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> counts_;
};

class ZapHandler {
 public:
  // Binds kZapEndpoint in `context` and starts the thread. `sockets`: the names of the
  // CURVE server sockets, for the counts. Throws calmon::Error if the endpoint is taken.
  ZapHandler(zmq::context_t& context, const std::vector<std::string>& authorized_keys,
             const std::vector<std::string>& sockets, RateLimitedLog::Sink log);
  // Stops the thread and closes the handler's sockets.
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  const RefusalCounts& refusals() const { return refusals_; }

 private:
  void run();
  void answer_one(std::vector<std::string>& frames);

  std::set<std::string> authorized_;
  RefusalCounts refusals_;
  RateLimitedLog log_;
  zmq::socket_t zap_;        // REP at kZapEndpoint; the thread's
  zmq::socket_t stop_wait_;  // PAIR; the thread's: a message on it ends the thread
  zmq::socket_t stop_send_;  // PAIR; the owner's
  std::thread thread_;
};

}  // namespace calmon::daemon
