// publisher.h — where the daemon's outgoing messages go: [topic][protobuf payload].
//
// The session logic (stream_analyzer.h) publishes through this interface, so it can
// be tested without sockets; the daemon's implementation (socket_publisher.h) writes
// to the XPUB socket within the publish budget and never blocks (a subscriber at its
// high-water mark loses messages, the pipeline never waits). Each message says
// whether subscribers can do without it (optional: periodic snapshots and RoiSetInfo),
// which the budget takes into account.
#pragma once

#include <google/protobuf/message_lite.h>

#include <chrono>
#include <string_view>

#include "calmon/wire.pb.h"
#include "daemon/publish_budget.h"

namespace calmon::daemon {

class Publisher {
 public:
  using Importance = PublishBudget::Importance;

  virtual ~Publisher() = default;
  // Publishes [topic][message]; false if it was withheld (the budget was full).
  virtual bool publish(std::string_view topic, const google::protobuf::MessageLite& message, Importance importance) = 0;
  // Status's publishing figures: the bytes held for subscribers, the messages withheld.
  virtual void report(pb::Status& /*status*/) const {}
  // Writes what its log suppressed (called with every Status).
  virtual void flush_log(std::chrono::steady_clock::time_point /*now*/) {}
};

}  // namespace calmon::daemon
