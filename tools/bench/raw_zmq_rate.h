// raw_zmq_rate.h — the transport alone: the same frames PUSH→PULL over the same transport.
//
// A PULL socket bound in-process at `bind_endpoint` (tcp://127.0.0.1:* or an ipc://
// path, as calmond's ingest was), read on its own thread, which only receives the
// messages (no parsing, no processing); the frames are sent exactly as to calmond.
// The rate is measured frames / (first measured send → last measured receipt). With
// `curve`, the PULL socket is a CURVE server with the client keys' server key pair
// (`server`) and the PUSH its client: the cost of CURVE's encryption alone.
#pragma once

#include <zmq.hpp>

#include <optional>
#include <string>

#include "frame_set.h"
#include "net/curve_client.h"

namespace calmon::bench {

struct RawCurve {
  net::CurveKeyPair server;
  net::CurveClientKeys client;
};

double raw_zmq_frames_per_second(zmq::context_t& context, const std::string& bind_endpoint, const FrameSet& frames,
                                 int warmup, int measured, const std::optional<RawCurve>& curve);

}  // namespace calmon::bench
