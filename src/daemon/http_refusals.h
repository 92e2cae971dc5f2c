// http_refusals.h — the dashboard's refused requests, counted by reason, for Status.
//
// The dashboard refuses a request whose Host is not one of its own names ("host"), a
// WebSocket opened by another site's page ("origin"), a request without the right
// token ("token"), and a connection beyond its limit ("connections"). It counts them on
// the Asio thread; the pipeline thread reads the counts when it fills a Status
// (http_refused). Relaxed atomics: each count is exact, their mutual order does not
// matter.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "calmon/wire.pb.h"

namespace calmon::daemon {

enum class HttpRefusal : std::size_t { kHost, kOrigin, kToken, kConnections };

// Status.http_refused's key for each reason.
constexpr std::string_view http_refusal_key(HttpRefusal reason) {
  constexpr std::array<std::string_view, 4> kKeys{"host", "origin", "token", "connections"};
  return kKeys[static_cast<std::size_t>(reason)];
}

class HttpRefusalCounters {
 public:
  void count(HttpRefusal reason) { counts_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t of(HttpRefusal reason) const {
    return counts_[static_cast<std::size_t>(reason)].load(std::memory_order_relaxed);
  }
  // Sets status.http_refused for every reason counted at least once.
  void fill(pb::Status& status) const {
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      const std::uint64_t n = counts_[i].load(std::memory_order_relaxed);
      if (n > 0) (*status.mutable_http_refused())[std::string(http_refusal_key(static_cast<HttpRefusal>(i)))] = n;
    }
  }

 private:
  std::array<std::atomic<std::uint64_t>, 4> counts_{};
};

}  // namespace calmon::daemon
