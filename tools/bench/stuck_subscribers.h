// stuck_subscribers.h — subscribers that never read: the worst a subscriber can do to
// calmond's memory.
//
// One subscriber per topic (traces, projections, status, rois), each a plain TCP
// connection to calmond's publish endpoint speaking just enough ZMTP 3.0 to subscribe
// (greeting, READY as a SUB socket, calmond's greeting and READY read, one
// subscription), with a 64 KiB receive buffer, and never read again: once that buffer is full, whatever calmond
// publishes for it waits in calmond, within its publish budget, until calmond disconnects it
// (--subscriber-timeout). TCP keepalive makes each notice that (calmond's kernel drops
// the connection silently); a thread watches the connections (poll for a hang-up or an
// error, never for data) and connects and subscribes again at once, so each topic has a stuck
// subscriber for the whole run. (A libzmq SUB socket that never reads would never
// notice that calmond dropped it, and so would not come back.)
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace calmon::bench {

class StuckSubscribers {
 public:
  static constexpr unsigned kCount = 4;  // one per topic

  // `publish_endpoint`: tcp://HOST:PORT. Throws std::runtime_error if it cannot connect.
  explicit StuckSubscribers(const std::string& publish_endpoint);
  ~StuckSubscribers();
  StuckSubscribers(const StuckSubscribers&) = delete;
  StuckSubscribers& operator=(const StuckSubscribers&) = delete;

  // How often calmond dropped one of them (each came back).
  std::uint64_t disconnections() const { return disconnections_.load(); }

 private:
  void run();

  std::string host_;
  int port_ = 0;
  int sockets_[kCount];
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> disconnections_{0};
  std::thread thread_;
};

}  // namespace calmon::bench
