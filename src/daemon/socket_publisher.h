// socket_publisher.h — publishing to the XPUB socket within the publish budget.
//
// Each message is serialized straight into a payload the PublishBudget allocated
// (counted until ZeroMQ frees it) and sent as [topic][payload] without blocking — or,
// when the budget does not admit it, not sent at all: withheld, counted by topic
// (Status.withheld) and logged at most once a second per topic.
#pragma once

#include <zmq.hpp>

#include <cstdint>
#include <map>
#include <string>

#include "daemon/publish_budget.h"
#include "daemon/publisher.h"
#include "daemon/rate_limited_log.h"

namespace calmon::daemon {

class SocketPublisher final : public Publisher {
 public:
  SocketPublisher(zmq::socket_ref socket, PublishBudget& budget, RateLimitedLog::Sink log)
      : socket_(socket), budget_(budget), log_(std::move(log)) {}

  bool publish(std::string_view topic, const google::protobuf::MessageLite& message, Importance importance) override;
  // The same for a message serialized already (copied into the payload): for a caller
  // that needs the bytes too (tee_publisher.h), so the message is serialized once.
  bool publish_serialized(std::string_view topic, std::string_view bytes, Importance importance);
  void report(pb::Status& status) const override;
  void flush_log(std::chrono::steady_clock::time_point now) override { log_.flush(now); }

 private:
  // False, counted and logged, if the budget does not admit `size` bytes.
  bool admits(std::string_view topic, std::size_t size, Importance importance);
  void send(std::string_view topic, zmq::message_t& payload);

  zmq::socket_ref socket_;
  PublishBudget& budget_;
  RateLimitedLog log_;
  std::map<std::string, std::uint64_t, std::less<>> withheld_;
};

}  // namespace calmon::daemon
