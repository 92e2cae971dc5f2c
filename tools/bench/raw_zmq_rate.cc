// raw_zmq_rate.cc — the PULL thread and the timing of the raw transport.
#include "raw_zmq_rate.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "frame_pusher.h"
#include "net/clock.h"
#include "net/multipart.h"

namespace calmon::bench {

double raw_zmq_frames_per_second(zmq::context_t& context, const std::string& bind_endpoint, const FrameSet& frames,
                                 int warmup, int measured, const std::optional<RawCurve>& curve) {
  zmq::socket_t pull(context, zmq::socket_type::pull);
  pull.set(zmq::sockopt::linger, 0);
  if (curve) {  // no ZAP handler in this context: libzmq accepts any client that completes the handshake
    pull.set(zmq::sockopt::curve_server, 1);
    pull.set(zmq::sockopt::curve_secretkey, curve->server.secret_key);
  }
  pull.bind(bind_endpoint);
  const std::string endpoint = pull.get(zmq::sockopt::last_endpoint);

  const int total = warmup + measured;
  std::int64_t last_receipt_ns = 0;
  std::thread receiver([&] {
    std::vector<zmq::message_t> parts;
    for (int received = 0; received < total; ++received) {
      (void)net::receive_multipart(pull, parts, zmq::recv_flags::none);
    }
    last_receipt_ns = net::now_ns();
  });
  zmq::socket_t push = connect_pusher(context, endpoint, curve ? std::optional(curve->client) : std::nullopt);
  const SendTimes sent = push_frames(push, frames, warmup, measured, 0.0, false);
  receiver.join();
  return measured / (static_cast<double>(last_receipt_ns - sent.first_measured_ns) / 1e9);
}

}  // namespace calmon::bench
