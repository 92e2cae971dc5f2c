// stream_acknowledgement.h — asks calmond whether the end of the stream arrived.
//
// Handing the end of stream to the operating system does not mean calmond got it: a
// calmond that dies with frames in its queue, or is restarted mid-stream, loses them
// without the sender noticing. So after the end of stream calmon-replay asks calmond's
// control socket what became of its stream — a StreamQuery with the replay's random
// stream id, answered by a StreamReport — until the report says the end of stream
// arrived. By then every frame that reached calmond has been counted: processed,
// rejected, or, if frames received falls short of frames sent, never arrived.
//
// calmond answers control requests between frames, so while it works through the
// frames still queued for it the report keeps changing; the wait gives up only after
// `patience` without a change (or without any reply). A request without a reply within
// a second is sent again on a fresh socket (a REQ socket waits for its reply forever,
// and a restarted calmond never saw the first request). The control socket is made in
// one place, open_control_socket, where its security options belong.
#pragma once

#include <zmq.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "calmon/wire.pb.h"
#include "net/curve_client.h"

namespace calmon::replay {

struct Acknowledgement {
  enum class Outcome {
    kAcknowledged,     // the report says the end of stream arrived
    kNoReply,          // the control socket never answered: calmond stopped or died, or listens elsewhere
    kNotAcknowledged,  // calmond answered, but its report never said the end of stream arrived
    kRefused,          // calmond answered ok = false (a calmond too old to know StreamQuery)
    kInterrupted,      // a signal came while waiting
  };
  Outcome outcome = Outcome::kNoReply;
  pb::StreamReport report;  // the last one received (kAcknowledged, kNotAcknowledged)
  std::string error;        // kRefused: calmond's one line
};

// A REQ socket connected to calmond's control endpoint, a CURVE client with `curve`.
// Throws calmon::Error when the endpoint is not one ZeroMQ can connect to.
zmq::socket_t open_control_socket(zmq::context_t& context, const std::string& endpoint,
                                  const std::optional<net::CurveClientKeys>& curve);

// Asks `control_endpoint` about `stream_id` until the end of stream is acknowledged, a
// refusal, `stop()`, or `patience` without progress.
Acknowledgement await_acknowledgement(const std::string& control_endpoint,
                                      const std::optional<net::CurveClientKeys>& curve, std::uint64_t stream_id,
                                      std::chrono::milliseconds patience, const std::function<bool()>& stop);

// calmond's Status, asked once on its control socket (a new try every second, on a
// fresh socket, until `patience` is over); nullopt if it never answered or refused.
std::optional<pb::Status> query_status(const std::string& control_endpoint,
                                       const std::optional<net::CurveClientKeys>& curve,
                                       std::chrono::milliseconds patience);

}  // namespace calmon::replay
