// frame_pusher.cc — the sending loop, with net::send_frame's two-part messages.
#include "frame_pusher.h"

#include <chrono>
#include <thread>

#include "calmon/wire.pb.h"
#include "net/clock.h"
#include "net/frame_message.h"
#include "net/random_id.h"

namespace calmon::bench {

zmq::socket_t connect_pusher(zmq::context_t& context, const std::string& endpoint,
                             const std::optional<net::CurveClientKeys>& curve) {
  zmq::socket_t push(context, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  net::apply_curve_client(push, curve);
  push.connect(endpoint);
  return push;
}

SendTimes push_frames(zmq::socket_t& push, const FrameSet& frames, int warmup, int measured, double rate_hz,
                      bool end_of_stream) {
  pb::FrameHeader header;
  header.set_stream_id(net::random_id());  // each run its own stream: a new session in calmond
  header.set_width(static_cast<std::uint32_t>(frames.width()));
  header.set_height(static_cast<std::uint32_t>(frames.height()));
  header.set_pixel_type(pb::UINT16);

  SendTimes times;
  const auto start = std::chrono::steady_clock::now();
  const int total = warmup + measured;
  for (int k = 0; k < total; ++k) {
    if (rate_hz > 0.0) {
      std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                std::chrono::duration<double>(k / rate_hz)));
    }
    header.set_sequence(static_cast<std::uint64_t>(k) + 1);
    const std::int64_t sent_ns = net::now_ns();
    header.set_acquisition_time_ns(sent_ns);
    if (k == warmup) times.first_measured_ns = sent_ns;
    net::send_frame(push, header, frames.message(static_cast<std::uint64_t>(k)));
  }
  times.last_ns = net::now_ns();
  if (end_of_stream) {
    pb::FrameHeader end;
    end.set_stream_id(header.stream_id());
    end.set_sequence(static_cast<std::uint64_t>(total) + 1);
    end.set_end_of_stream(true);
    net::send_frame(push, end, zmq::message_t());
  }
  return times;
}

}  // namespace calmon::bench
