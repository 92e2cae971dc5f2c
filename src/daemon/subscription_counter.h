// subscription_counter.h — which subscriptions are active on the publish socket.
//
// The publish socket is an XPUB with ZMQ_XPUB_VERBOSER, so it hands the pipeline
// thread every subscribe message (first byte 1, then the topic prefix) and every
// unsubscribe message (first byte 0), including those ZeroMQ generates for a subscriber
// that disconnects — one per prefix it had. Counting +1 and -1 per prefix gives the
// subscriptions currently active (a subscriber to "traces" and "status" counts twice)
// and tells whether anyone would receive a topic at all, so work nobody receives — a
// projection snapshot costs milliseconds on a big frame — can be skipped.
// (A SUB socket that subscribes to one prefix twice sends two subscribes but a single
// unsubscribe when it disconnects or drops both, so it is over-counted by one; counts
// never go negative.) Anything else a subscriber may send is ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace calmon::daemon {

class SubscriptionCounter {
 public:
  // One message read from the XPUB socket.
  void on_message(const void* data, std::size_t size) {
    if (size == 0) return;
    const char* bytes = static_cast<const char*>(data);
    const std::string_view prefix(bytes + 1, size - 1);
    if (bytes[0] == 1) {
      auto it = prefixes_.find(prefix);
      if (it == prefixes_.end()) it = prefixes_.emplace(std::string(prefix), 0).first;
      ++it->second;
      ++active_;
    } else if (bytes[0] == 0) {
      auto it = prefixes_.find(prefix);
      if (it == prefixes_.end()) return;
      if (--it->second == 0) prefixes_.erase(it);
      --active_;
    }
  }

  std::uint32_t active() const { return active_; }

  // Whether the message read from the XPUB socket is a new subscription that receives
  // `topic` (its prefix is a prefix of the topic; the empty prefix receives all).
  static bool subscribes_to(const void* data, std::size_t size, std::string_view topic) {
    if (size == 0 || static_cast<const char*>(data)[0] != 1) return false;
    const std::string_view prefix(static_cast<const char*>(data) + 1, size - 1);
    return topic.substr(0, prefix.size()) == prefix;
  }

  // Whether some active subscription matches `topic` (is a prefix of it).
  bool wanted(std::string_view topic) const {
    for (const auto& [prefix, count] : prefixes_) {
      if (topic.substr(0, prefix.size()) == prefix) return true;
    }
    return false;
  }

 private:
  std::map<std::string, std::uint32_t, std::less<>> prefixes_;
  std::uint32_t active_ = 0;
};

}  // namespace calmon::daemon
