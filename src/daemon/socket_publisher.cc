// socket_publisher.cc — serialize into a counted payload, or withhold; see the header.
#include "daemon/socket_publisher.h"

#include <chrono>
#include <cstdio>
#include <cstring>

namespace calmon::daemon {

namespace {

std::string mib(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

}  // namespace

bool SocketPublisher::admits(std::string_view topic, std::size_t size, Importance importance) {
  if (budget_.admits(size, importance)) return true;
  auto it = withheld_.find(topic);
  if (it == withheld_.end()) it = withheld_.emplace(std::string(topic), 0).first;
  ++it->second;
  const bool optional = importance == Importance::kOptional;
  log_.write("withheld " + std::string(topic),
             "withheld a '" + std::string(topic) + "' message of " + mib(size) +
                 ": subscribers that have not taken theirs hold " + mib(budget_.held_bytes()) + " of the " +
                 mib(budget_.budget_bytes()) + " publish budget" +
                 (optional ? ", and this kind may use only half of it" : "") + " (--publish-budget-mib)",
             std::chrono::steady_clock::now());
  return false;
}

void SocketPublisher::send(std::string_view topic, zmq::message_t& payload) {
  (void)socket_.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  (void)socket_.send(payload, zmq::send_flags::dontwait);
}

bool SocketPublisher::publish(std::string_view topic, const google::protobuf::MessageLite& message,
                              Importance importance) {
  const std::size_t size = message.ByteSizeLong();
  if (!admits(topic, size, importance)) return false;
  zmq::message_t payload = budget_.allocate(size);
  message.SerializeWithCachedSizesToArray(payload.data<std::uint8_t>());
  send(topic, payload);
  return true;
}

bool SocketPublisher::publish_serialized(std::string_view topic, std::string_view bytes, Importance importance) {
  if (!admits(topic, bytes.size(), importance)) return false;
  zmq::message_t payload = budget_.allocate(bytes.size());
  if (!bytes.empty()) std::memcpy(payload.data(), bytes.data(), bytes.size());
  send(topic, payload);
  return true;
}

void SocketPublisher::report(pb::Status& status) const {
  status.set_publish_bytes_held(budget_.held_bytes());
  for (const auto& [topic, count] : withheld_) (*status.mutable_withheld())[topic] = count;
}

}  // namespace calmon::daemon
