// topics.h — the publish socket's topics and the two-part [topic][payload] messages.
//
// Every message calmond publishes is [topic][protobuf payload]. ZeroMQ subscriptions
// match prefixes, so the topics are distinct words that are no prefix of each other.
#pragma once

#include <google/protobuf/message_lite.h>
#include <zmq.hpp>

#include <string_view>

namespace calmon::net {

inline constexpr std::string_view kTracesTopic = "traces";
inline constexpr std::string_view kProjectionsTopic = "projections";
inline constexpr std::string_view kStatusTopic = "status";
inline constexpr std::string_view kRoisTopic = "rois";

// Publishes [topic][message]; never blocks (a PUB socket drops for a slow subscriber).
inline void publish(zmq::socket_ref socket, std::string_view topic, const google::protobuf::MessageLite& message) {
  zmq::message_t payload(message.ByteSizeLong());
  message.SerializeToArray(payload.data(), static_cast<int>(payload.size()));
  socket.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  socket.send(payload, zmq::send_flags::dontwait);
}

}  // namespace calmon::net
