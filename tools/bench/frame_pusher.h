// frame_pusher.h — sends a FrameSet over a PUSH socket, as fast as possible or paced.
//
// Frames carry a random stream id per call (a new session in calmond), sequence numbers
// 1, 2, ... and the send time (ns since the epoch) in FrameHeader.acquisition_time_ns,
// which calmond copies into each TraceUpdate: the subscriber's receipt time minus it is
// the end-to-end latency. Paced sending follows
// an absolute schedule (frame k at start + k / rate), so a late frame does not shift
// the ones after it.
#pragma once

#include <zmq.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "frame_set.h"
#include "net/curve_client.h"

namespace calmon::bench {

struct SendTimes {
  std::int64_t first_measured_ns = 0;  // when the first frame after the warm-up was sent
  std::int64_t last_ns = 0;            // when the last frame was handed to ZeroMQ
};

// A PUSH socket connected to `endpoint`. Its linger is 0: keep it open until the frames
// it queued have arrived (the end of stream seen), since closing it drops what is queued.
// With `curve`, a CURVE client.
zmq::socket_t connect_pusher(zmq::context_t& context, const std::string& endpoint,
                             const std::optional<net::CurveClientKeys>& curve);

// Sends warmup + frames frames on `push` (rate 0: no pacing), then an end-of-stream
// header if `end_of_stream`. Returns once ZeroMQ has queued them, not delivered.
SendTimes push_frames(zmq::socket_t& push, const FrameSet& frames, int warmup, int measured, double rate_hz,
                      bool end_of_stream);

}  // namespace calmon::bench
