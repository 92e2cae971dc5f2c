// daemon_control.h — calmond's control socket from the benchmark: status and shutdown.
//
// Each request uses a fresh REQ socket (binary protobuf), so a request that times out
// leaves nothing stuck. Both throw std::runtime_error when no reply comes in time.
#pragma once

#include <chrono>
#include <string>

#include "calmon/wire.pb.h"

namespace calmon::bench {

pb::Status request_status(const std::string& control_endpoint, std::chrono::milliseconds deadline);
void request_shutdown(const std::string& control_endpoint, std::chrono::milliseconds deadline);

// Polls status until `subscribers` subscriptions are live; throws at the deadline.
void wait_for_subscribers(const std::string& control_endpoint, unsigned subscribers,
                          std::chrono::milliseconds deadline);

}  // namespace calmon::bench
