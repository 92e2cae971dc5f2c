// raw_zmq_rate.h — the transport alone: the same frames PUSH→PULL over tcp loopback.
//
// A PULL socket bound in-process, read on its own thread, which only receives the
// messages (no parsing, no processing); the frames are sent exactly as to calmond.
// The rate is measured frames / (first measured send → last measured receipt).
#pragma once

#include <zmq.hpp>

#include "frame_set.h"

namespace calmon::bench {

double raw_zmq_frames_per_second(zmq::context_t& context, const FrameSet& frames, int warmup, int measured);

}  // namespace calmon::bench
