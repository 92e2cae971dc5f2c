// trace_collector.h — the benchmark's subscriber: receives TraceUpdates on its own thread.
//
// A SUB socket on calmond's publish endpoint, subscribed to "traces", with a receive
// high-water mark large enough that it never drops. For every live update of a measured
// frame (sequence > warmup) it records receipt time minus acquisition_time_ns, and
// its three legs. It stops
// at the update with end_of_stream, or when told to.
#pragma once

#include <zmq.hpp>

#include <optional>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "net/curve_client.h"

namespace calmon::bench {

struct CollectedTraces {
  std::vector<double> latencies_us;  // one per measured frame received: send → receipt
  // The same latency in three legs, from the daemon's receive_time_ns and publish_time_ns
  // (one clock: daemon and benchmark run on the same machine).
  std::vector<double> ingest_us;      // send → calmond received the frame
  std::vector<double> processing_us;  // received → published
  std::vector<double> delivery_us;    // published → the subscriber received the update
  std::int64_t last_receipt_ns = 0;   // receipt of the last measured live update
  std::uint64_t warmup_received = 0;
  bool saw_end_of_stream = false;
};

class TraceCollector {
 public:
  TraceCollector(zmq::context_t& context, const std::string& publish_endpoint, std::uint64_t warmup,
                 std::size_t expected, const std::optional<net::CurveClientKeys>& curve);
  ~TraceCollector();
  TraceCollector(const TraceCollector&) = delete;
  TraceCollector& operator=(const TraceCollector&) = delete;

  // Waits for the end of stream — or until no update has arrived for `idle` — stops the
  // thread and returns the records.
  CollectedTraces finish(std::chrono::milliseconds idle);

 private:
  void run();

  zmq::socket_t socket_;
  std::uint64_t warmup_;
  CollectedTraces collected_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<std::int64_t> last_activity_ns_{0};
  std::thread thread_;
};

}  // namespace calmon::bench
