// trace_collector.cc — the subscriber thread's loop.
#include "trace_collector.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

#include "calmon/wire.pb.h"
#include "net/clock.h"
#include "net/multipart.h"
#include "net/topics.h"

namespace calmon::bench {
namespace {

constexpr int kReceiveHighWaterMark = 10'000'000;
constexpr auto kPollWait = std::chrono::milliseconds(50);

}  // namespace

TraceCollector::TraceCollector(zmq::context_t& context, const std::string& publish_endpoint, std::uint64_t warmup,
                               std::size_t expected, const std::optional<net::CurveClientKeys>& curve)
    : socket_(context, zmq::socket_type::sub), warmup_(warmup) {
  net::apply_curve_client(socket_, curve);
  socket_.set(zmq::sockopt::rcvhwm, kReceiveHighWaterMark);
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::subscribe, net::kTracesTopic);
  socket_.connect(publish_endpoint);
  collected_.latencies_us.reserve(expected);
  collected_.ingest_us.reserve(expected);
  collected_.processing_us.reserve(expected);
  collected_.delivery_us.reserve(expected);
  thread_ = std::thread([this] { run(); });
}

TraceCollector::~TraceCollector() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void TraceCollector::run() {
  pb::TraceUpdate update;
  std::vector<zmq::message_t> parts;
  std::array<zmq::pollitem_t, 1> items{{{socket_.handle(), 0, ZMQ_POLLIN, 0}}};
  while (!stop_) {
    if (zmq::poll(items.data(), items.size(), kPollWait) == 0) continue;
    if (!net::receive_multipart(socket_, parts)) continue;
    if (parts.size() != 2) continue;  // not [topic][payload]
    const zmq::message_t& payload = parts[1];
    const std::int64_t receipt_ns = net::now_ns();
    last_activity_ns_ = receipt_ns;
    if (!update.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) continue;
    if (update.end_of_stream()) {
      collected_.saw_end_of_stream = true;
      break;
    }
    if (update.settled_only()) continue;
    if (update.sequence() <= warmup_) {
      ++collected_.warmup_received;
      continue;
    }
    const auto microseconds = [](std::int64_t ns) { return static_cast<double>(ns) / 1e3; };
    collected_.latencies_us.push_back(microseconds(receipt_ns - update.acquisition_time_ns()));
    collected_.ingest_us.push_back(microseconds(update.receive_time_ns() - update.acquisition_time_ns()));
    collected_.processing_us.push_back(microseconds(update.publish_time_ns() - update.receive_time_ns()));
    collected_.delivery_us.push_back(microseconds(receipt_ns - update.publish_time_ns()));
    collected_.last_receipt_ns = receipt_ns;
  }
  done_ = true;
}

CollectedTraces TraceCollector::finish(std::chrono::milliseconds idle) {
  last_activity_ns_ = std::max<std::int64_t>(last_activity_ns_, net::now_ns());
  const auto idle_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(idle).count();
  while (!done_ && net::now_ns() - last_activity_ns_ < idle_ns) std::this_thread::sleep_for(kPollWait);
  stop_ = true;
  thread_.join();
  return std::move(collected_);
}

}  // namespace calmon::bench
