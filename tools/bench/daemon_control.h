// daemon_control.h — calmond's control socket from the benchmark: status and shutdown.
//
// Each request uses a fresh REQ socket (binary protobuf), so a request that times out
// leaves nothing stuck. Both throw std::runtime_error when no reply comes in time. With
// `curve`, the REQ socket is a CURVE client.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "calmon/wire.pb.h"
#include "net/curve_client.h"

namespace calmon::bench {

using Curve = std::optional<net::CurveClientKeys>;

pb::Status request_status(const std::string& control_endpoint, std::chrono::milliseconds deadline, const Curve& curve);
void request_shutdown(const std::string& control_endpoint, std::chrono::milliseconds deadline, const Curve& curve);

// Polls status until `subscribers` subscriptions are live; throws at the deadline.
void wait_for_subscribers(const std::string& control_endpoint, unsigned subscribers, std::chrono::milliseconds deadline,
                          const Curve& curve);

}  // namespace calmon::bench
