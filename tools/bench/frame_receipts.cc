// frame_receipts.cc — the receiving thread's loop.
#include "frame_receipts.h"

#include <array>
#include <cstring>

#include "calmon/wire.pb.h"
#include "net/multipart.h"
#include "steady_ns.h"

namespace calmon::bench {
namespace {

constexpr auto kPollWait = std::chrono::milliseconds(50);

}  // namespace

FrameReceipts::FrameReceipts(zmq::context_t& context, std::int64_t frames) : socket_(context, zmq::socket_type::pull) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind("tcp://127.0.0.1:*");
  endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  receipts_.receipt_ns.assign(static_cast<std::size_t>(frames), 0);
  thread_ = std::thread([this] { run(); });
}

FrameReceipts::~FrameReceipts() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void FrameReceipts::run() {
  pb::FrameHeader header;
  std::vector<zmq::message_t> parts;
  std::array<zmq::pollitem_t, 1> items{{{socket_.handle(), 0, ZMQ_POLLIN, 0}}};
  while (!stop_) {
    if (zmq::poll(items.data(), items.size(), kPollWait) == 0) continue;
    if (!net::receive_multipart(socket_, parts)) continue;
    const std::int64_t now = steady_now_ns();
    if (parts.empty() || !header.ParseFromArray(parts[0].data(), static_cast<int>(parts[0].size()))) {
      ++receipts_.unexpected;
      continue;
    }
    if (header.end_of_stream()) {
      receipts_.saw_end_of_stream = true;
      break;
    }
    if (parts.size() != 2 || parts[1].size() < 2 * sizeof(std::uint16_t)) {
      ++receipts_.unexpected;
      continue;
    }
    std::uint16_t stamp[2];
    std::memcpy(stamp, parts[1].data(), sizeof stamp);
    const std::int64_t number = static_cast<std::int64_t>(stamp[0]) | (static_cast<std::int64_t>(stamp[1]) << 16);
    if (number >= static_cast<std::int64_t>(receipts_.receipt_ns.size())) {
      ++receipts_.unexpected;
      continue;
    }
    std::int64_t& receipt = receipts_.receipt_ns[static_cast<std::size_t>(number)];
    if (receipt != 0) {
      ++receipts_.duplicates;
      continue;
    }
    receipt = now;
    if (number > newest_) newest_ = number;
  }
  done_ = true;
}

Receipts FrameReceipts::finish(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done_ && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(kPollWait);
  stop_ = true;
  thread_.join();
  return std::move(receipts_);
}

}  // namespace calmon::bench
