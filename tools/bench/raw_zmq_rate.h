// raw_zmq_rate.h — the transport alone: the same frames PUSH→PULL over tcp loopback.
//
// A PULL socket bound in-process, read on its own thread, which only receives the
// messages (no parsing, no processing); the frames are sent exactly as to calmond.
// The rate is measured frames / (first measured send → last measured receipt). With
// `curve`, the PULL socket is a CURVE server with the client keys' server key pair
// (`server`) and the PUSH its client: the cost of CURVE's encryption alone.
#pragma once

#include <zmq.hpp>

#include <optional>

#include "frame_set.h"
#include "net/curve_client.h"

namespace calmon::bench {

struct RawCurve {
  net::CurveKeyPair server;
  net::CurveClientKeys client;
};

double raw_zmq_frames_per_second(zmq::context_t& context, const FrameSet& frames, int warmup, int measured,
                                 const std::optional<RawCurve>& curve);

}  // namespace calmon::bench
