// dashboard_pages.h — open dashboard pages without a browser: WebSocket clients that take everything calmond sends.
//
// Each page is a WebSocket on calmond's /ws (Boost.Beast, on a thread of its own) that
// reads every message as fast as it comes and counts it, as a page that keeps up would;
// nothing is decoded. ask_history opens one more connection, sends a history request and
// times it from the send to the whole answer received (what a page opened late waits).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace calmon::bench {

class DashboardPages {
 public:
  // `http_url`: calmond's ready line "http" (http://HOST:PORT/, no token). Throws
  // std::runtime_error if a page cannot connect.
  DashboardPages(const std::string& http_url, int count);
  ~DashboardPages();
  DashboardPages(const DashboardPages&) = delete;
  DashboardPages& operator=(const DashboardPages&) = delete;

  std::uint64_t messages() const { return messages_.load(); }
  std::uint64_t bytes() const { return bytes_.load(); }

  struct HistoryTiming {
    double seconds = 0.0;    // request sent -> whole answer received
    std::size_t bytes = 0;   // the answer's JSON
    std::size_t series = 0;  // "roi_id" keys in it
    std::size_t points = 0;  // per series (from frame_index's length)
    std::string error;       // the answer's "error", if any
  };
  // `request`: the JSON text, {"history": {...}}. Throws on a connection failure.
  HistoryTiming ask_history(const std::string& request) const;

 private:
  std::string host_, port_;
  std::vector<int> sockets_;  // to shut down, ending each thread's blocking read
  std::vector<std::thread> threads_;
  std::atomic<std::uint64_t> messages_{0}, bytes_{0};
};

}  // namespace calmon::bench
