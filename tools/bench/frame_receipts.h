// frame_receipts.h — a PULL socket that stands in for calmond's ingest, noting when each frame arrives.
//
// Bound on tcp://127.0.0.1 at a port the system picks (endpoint()), read on a thread of
// its own that does nothing else: for every [FrameHeader][pixels] message it reads the
// frame's number from its first two pixels (series_writer.h stamps them) and notes the
// steady clock (steady_ns.h) in receipt_ns[number]. A number seen again is a duplicate;
// one outside the frames expected, or a message that is not a frame, is counted as
// unexpected. It ends at the end-of-stream header, or when finish() gives up waiting.
// `newest` is the highest frame number received so far (-1 before any), for the writer.
#pragma once

#include <zmq.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace calmon::bench {

struct Receipts {
  std::vector<std::int64_t> receipt_ns;  // per frame number; 0: never received
  std::int64_t duplicates = 0;
  std::int64_t unexpected = 0;
  bool saw_end_of_stream = false;
};

class FrameReceipts {
 public:
  FrameReceipts(zmq::context_t& context, std::int64_t frames);
  ~FrameReceipts();
  FrameReceipts(const FrameReceipts&) = delete;
  FrameReceipts& operator=(const FrameReceipts&) = delete;

  const std::string& endpoint() const { return endpoint_; }
  const std::atomic<std::int64_t>& newest() const { return newest_; }

  // Waits for the end of stream, at most `deadline`, stops the thread, returns the receipts.
  Receipts finish(std::chrono::milliseconds deadline);

 private:
  void run();

  zmq::socket_t socket_;
  std::string endpoint_;
  Receipts receipts_;
  std::atomic<std::int64_t> newest_{-1};
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace calmon::bench
