// zap_handler.cc — ZAP 1.0 requests answered on the handler's thread; see the header.
#include "daemon/zap_handler.h"

#include <cerrno>
#include <chrono>
#include <exception>

#include "core/error.h"
#include "net/curve_keys.h"
#include "net/multipart.h"

namespace calmon::daemon {

namespace {

constexpr const char* kStopEndpoint = "inproc://calmond-zap-stop";
constexpr std::chrono::milliseconds kLogFlushInterval{1000};
constexpr std::size_t kKeyCharactersLogged = 8;

// ZAP 1.0 request frames (RFC 27), after the REP envelope.
enum RequestFrame : std::size_t { kVersion, kRequestId, kDomain, kAddress, kIdentity, kMechanism, kCredentials };

ZapAnswer refuse(ZapAnswer answer, const std::string& request_id, const char* code, const std::string& reason) {
  answer.accepted = false;
  answer.reason = reason;
  answer.reply = {"1.0", request_id, code, reason, "", ""};
  return answer;
}

std::string refusal_line(const ZapAnswer& answer) {
  std::string line =
      "refused a client on the " + (answer.socket.empty() ? std::string("(unnamed)") : answer.socket) + " socket";
  if (!answer.key.empty()) line += ", CURVE key " + answer.key.substr(0, kKeyCharactersLogged) + "...";
  if (!answer.address.empty()) line += ", from " + answer.address;
  return line + ": " + answer.reason;
}

}  // namespace

ZapAnswer answer_zap_request(const std::vector<std::string>& request, const std::set<std::string>& authorized) {
  ZapAnswer answer;
  const std::string request_id = request.size() > kRequestId ? request[kRequestId] : std::string();
  if (request.size() <= kMechanism || request[kVersion] != "1.0") {
    return refuse(answer, request_id, "500", "malformed ZAP request");
  }
  answer.socket = request[kDomain];
  answer.address = request[kAddress];
  if (request[kMechanism] != "CURVE") {
    return refuse(answer, request_id, "400", "mechanism " + request[kMechanism] + ", only CURVE is accepted");
  }
  if (request.size() != kCredentials + 1 || request[kCredentials].size() != 32) {
    return refuse(answer, request_id, "500", "malformed CURVE credentials");
  }
  answer.key = net::z85_key(request[kCredentials]);
  if (authorized.count(answer.key) == 0) {
    return refuse(answer, request_id, "400", "the key is not among the authorized keys");
  }
  answer.accepted = true;
  answer.reply = {"1.0", request_id, "200", "OK", answer.key, ""};
  return answer;
}

RefusalCounts::RefusalCounts(const std::vector<std::string>& names) {
  for (const std::string& name : names) counts_[name] = 0;
}

void RefusalCounts::add(const std::string& socket) {
  const std::lock_guard lock(mutex_);
  ++counts_[socket];
}

std::map<std::string, std::uint64_t> RefusalCounts::counts() const {
  const std::lock_guard lock(mutex_);
  return counts_;
}

ZapHandler::ZapHandler(zmq::context_t& context, const std::vector<std::string>& authorized_keys,
                       const std::vector<std::string>& sockets, RateLimitedLog::Sink log)
    : authorized_(authorized_keys.begin(), authorized_keys.end()),
      refusals_(sockets),
      log_(std::move(log)),
      zap_(context, zmq::socket_type::rep),
      stop_wait_(context, zmq::socket_type::pair),
      stop_send_(context, zmq::socket_type::pair) {
  for (zmq::socket_t* socket : {&zap_, &stop_wait_, &stop_send_}) socket->set(zmq::sockopt::linger, 0);
  try {
    zap_.bind(kZapEndpoint);
    stop_wait_.bind(kStopEndpoint);
    stop_send_.connect(kStopEndpoint);
  } catch (const zmq::error_t& e) {
    throw Error(std::string("cannot start the ZAP handler at ") + kZapEndpoint + ": " + e.what());
  }
  thread_ = std::thread([this] { run(); });
}

ZapHandler::~ZapHandler() {
  (void)stop_send_.send(zmq::str_buffer("stop"), zmq::send_flags::dontwait);
  thread_.join();
}

void ZapHandler::run() {
  std::vector<std::string> frames;
  try {
    zmq::pollitem_t items[] = {{zap_.handle(), 0, ZMQ_POLLIN, 0}, {stop_wait_.handle(), 0, ZMQ_POLLIN, 0}};
    while (true) {
      try {
        zmq::poll(items, 2, kLogFlushInterval);
      } catch (const zmq::error_t& e) {
        if (e.num() == EINTR) continue;
        throw;
      }
      if (items[1].revents & ZMQ_POLLIN) break;
      if (items[0].revents & ZMQ_POLLIN) answer_one(frames);
      log_.flush(RateLimitedLog::Clock::now());
    }
  } catch (const std::exception& e) {
    // Fails closed: libzmq keeps waiting for answers, so no new client gets in.
    log_.write("zap", std::string("the ZAP handler failed: ") + e.what() + "; no new client can connect",
               RateLimitedLog::Clock::now());
  }
  zap_.close();
  stop_wait_.close();
}

void ZapHandler::answer_one(std::vector<std::string>& frames) {
  frames.clear();
  std::vector<zmq::message_t> parts;
  if (!net::receive_multipart(zap_, parts)) return;
  for (const zmq::message_t& part : parts) frames.push_back(part.to_string());
  const ZapAnswer answer = answer_zap_request(frames, authorized_);
  if (!answer.accepted) {  // counted before the client can learn of it
    refusals_.add(answer.socket);
    log_.write("refused on " + answer.socket, refusal_line(answer), RateLimitedLog::Clock::now());
  }
  for (std::size_t i = 0; i < answer.reply.size(); ++i) {
    const bool last = i + 1 == answer.reply.size();
    (void)zap_.send(zmq::buffer(answer.reply[i]), last ? zmq::send_flags::none : zmq::send_flags::sndmore);
  }
}

}  // namespace calmon::daemon
