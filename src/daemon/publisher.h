// publisher.h — where the daemon's outgoing messages go: [topic][protobuf payload].
//
// The session logic (stream_analyzer.h) publishes through this interface, so it can
// be tested without sockets; the daemon's implementation writes to the XPUB socket and
// never blocks (a subscriber at its high-water mark loses messages, the pipeline
// never waits).
#pragma once

#include <google/protobuf/message_lite.h>
#include <zmq.hpp>

#include <string_view>

#include "net/topics.h"

namespace calmon::daemon {

class Publisher {
 public:
  virtual ~Publisher() = default;
  virtual void publish(std::string_view topic, const google::protobuf::MessageLite& message) = 0;
};

class SocketPublisher final : public Publisher {
 public:
  explicit SocketPublisher(zmq::socket_ref socket) : socket_(socket) {}
  void publish(std::string_view topic, const google::protobuf::MessageLite& message) override {
    net::publish(socket_, topic, message);
  }

 private:
  zmq::socket_ref socket_;
};

}  // namespace calmon::daemon
