// zap_handler_test.cc — the ZAP handler: its answers to ZAP 1.0 requests (pure), and the
// handler on its thread deciding real CURVE handshakes in one ZeroMQ context: an
// authorized key gets through, an unknown key and a client without CURVE do not, and
// refusals are counted by socket and logged once per second with the key and address.
#include <gtest/gtest.h>

#include <zmq.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/zap_handler.h"
#include "net/curve_client.h"
#include "net/curve_keys.h"

namespace calmon::daemon {
namespace {

const net::CurveKeyPair kServer = net::generate_curve_key_pair();
const net::CurveKeyPair kAllowed = net::generate_curve_key_pair();
const net::CurveKeyPair kUnknown = net::generate_curve_key_pair();

std::string binary(const std::string& z85) {
  std::string bytes(32, '\0');
  zmq_z85_decode(reinterpret_cast<std::uint8_t*>(bytes.data()), z85.c_str());
  return bytes;
}

std::vector<std::string> request(const std::string& mechanism, const std::string& credentials) {
  std::vector<std::string> frames = {"1.0", "7", "publish", "192.168.1.7", "", mechanism};
  if (!credentials.empty()) frames.push_back(credentials);
  return frames;
}

// --- the answers --------------------------------------------------------------------------

TEST(ZapAnswer, AnAuthorizedCurveKeyIsAccepted) {
  const ZapAnswer answer = answer_zap_request(request("CURVE", binary(kAllowed.public_key)), {kAllowed.public_key});
  EXPECT_TRUE(answer.accepted);
  EXPECT_EQ(answer.reply, (std::vector<std::string>{"1.0", "7", "200", "OK", kAllowed.public_key, ""}));
}

TEST(ZapAnswer, AnUnknownKeyIsRefusedWithWhatTheLogNeeds) {
  const ZapAnswer answer = answer_zap_request(request("CURVE", binary(kUnknown.public_key)), {kAllowed.public_key});
  EXPECT_FALSE(answer.accepted);
  EXPECT_EQ(answer.reply[0], "1.0");
  EXPECT_EQ(answer.reply[1], "7");
  EXPECT_EQ(answer.reply[2], "400");
  EXPECT_EQ(answer.socket, "publish");
  EXPECT_EQ(answer.key, kUnknown.public_key);
  EXPECT_EQ(answer.address, "192.168.1.7");
}

TEST(ZapAnswer, OtherMechanismsAndMalformedRequestsAreRefused) {
  const std::set<std::string> authorized = {kAllowed.public_key};
  EXPECT_EQ(answer_zap_request(request("NULL", ""), authorized).reply[2], "400");
  EXPECT_EQ(answer_zap_request(request("PLAIN", "user"), authorized).reply[2], "400");
  EXPECT_EQ(answer_zap_request(request("CURVE", "short"), authorized).reply[2], "500");
  EXPECT_EQ(answer_zap_request({"1.0", "7", "publish"}, authorized).reply[2], "500");
  std::vector<std::string> wrong_version = request("CURVE", binary(kAllowed.public_key));
  wrong_version[0] = "2.0";
  const ZapAnswer answer = answer_zap_request(wrong_version, authorized);
  EXPECT_FALSE(answer.accepted);
  EXPECT_EQ(answer.reply[2], "500");
  EXPECT_EQ(answer.reply.size(), 6u);
}

// --- real handshakes ---------------------------------------------------------------------

class Log {
 public:
  void write(const std::string& line) {
    const std::lock_guard lock(mutex_);
    lines_.push_back(line);
  }
  std::vector<std::string> lines() {
    const std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

// How a client's handshake with the server ended, from the client's socket monitor.
class HandshakeWatch : public zmq::monitor_t {
 public:
  enum class Outcome { kNone, kFailed, kSucceeded };

  // Starts watching; call before `socket` connects.
  HandshakeWatch(zmq::socket_t& socket, const std::string& name) {
    init(socket, "inproc://handshake-" + name,
         ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
             ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  }

  // The first outcome, waiting at most `deadline` for one.
  Outcome wait(std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (outcome_ == Outcome::kNone && std::chrono::steady_clock::now() < until) (void)check_event(100);
    return outcome_;
  }

 private:
  void on_event_handshake_failed_no_detail(const zmq_event_t&, const char*) override { outcome_ = Outcome::kFailed; }
  void on_event_handshake_failed_protocol(const zmq_event_t&, const char*) override { outcome_ = Outcome::kFailed; }
  void on_event_handshake_failed_auth(const zmq_event_t&, const char*) override { outcome_ = Outcome::kFailed; }
  void on_event_handshake_succeeded(const zmq_event_t&, const char*) override { outcome_ = Outcome::kSucceeded; }

  Outcome outcome_ = Outcome::kNone;
};

constexpr std::chrono::seconds kDeadline{10};

// A REQ client of `endpoint` with `keys` sends "ping": how its handshake ended, and
// whether the REP server's echo then arrived.
struct Attempt {
  HandshakeWatch::Outcome handshake;
  bool answered;
};

Attempt ping(zmq::context_t& context, const std::string& endpoint, const std::optional<net::CurveClientKeys>& keys,
             const std::string& name) {
  zmq::socket_t client(context, zmq::socket_type::req);
  client.set(zmq::sockopt::linger, 0);
  net::apply_curve_client(client, keys);
  HandshakeWatch watch(client, name);
  client.connect(endpoint);
  (void)client.send(zmq::str_buffer("ping"));
  const HandshakeWatch::Outcome handshake = watch.wait(kDeadline);
  zmq::pollitem_t item{client.handle(), 0, ZMQ_POLLIN, 0};
  // After a failed handshake nothing can arrive: no need to wait for it.
  const bool answered =
      zmq::poll(&item, 1, handshake == HandshakeWatch::Outcome::kSucceeded ? kDeadline : std::chrono::seconds(0)) == 1;
  return {handshake, answered};
}

TEST(ZapHandler, DecidesRealCurveHandshakes) {
  zmq::context_t context;
  Log log;
  ZapHandler handler(context, {kAllowed.public_key}, {"control"}, [&](const std::string& line) { log.write(line); });
  zmq::socket_t server(context, zmq::socket_type::rep);
  server.set(zmq::sockopt::linger, 0);
  server.set(zmq::sockopt::curve_server, 1);
  server.set(zmq::sockopt::curve_secretkey, kServer.secret_key);
  server.set(zmq::sockopt::zap_domain, "control");
  server.bind("tcp://127.0.0.1:*");
  const std::string endpoint = server.get(zmq::sockopt::last_endpoint);
  std::thread echo([&] {
    zmq::message_t message;
    if (server.recv(message)) (void)server.send(message, zmq::send_flags::none);
  });
  EXPECT_EQ(handler.refusals().counts(), (std::map<std::string, std::uint64_t>{{"control", 0}}));

  const Attempt unknown = ping(context, endpoint, net::CurveClientKeys{kServer.public_key, kUnknown}, "unknown");
  EXPECT_EQ(unknown.handshake, HandshakeWatch::Outcome::kFailed);
  EXPECT_FALSE(unknown.answered);
  const Attempt without_curve = ping(context, endpoint, std::nullopt, "null");
  EXPECT_EQ(without_curve.handshake, HandshakeWatch::Outcome::kFailed);
  EXPECT_FALSE(without_curve.answered);
  const Attempt allowed = ping(context, endpoint, net::CurveClientKeys{kServer.public_key, kAllowed}, "allowed");
  EXPECT_EQ(allowed.handshake, HandshakeWatch::Outcome::kSucceeded);
  EXPECT_TRUE(allowed.answered);
  echo.join();

  // The unknown key was refused by the handler; the client without CURVE never reached it.
  EXPECT_EQ(handler.refusals().counts().at("control"), 1u);
  const std::vector<std::string> lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "refused a client on the control socket, CURVE key " + kUnknown.public_key.substr(0, 8) +
                          "..., from 127.0.0.1: the key is not among the authorized keys");
}

}  // namespace
}  // namespace calmon::daemon
