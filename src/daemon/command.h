// command.h — what the Asio thread tells the pipeline thread, over the inproc PAIR.
//
// The Asio thread owns signals and timers but no socket the pipeline uses; when a timer
// fires or a signal arrives it sends one byte over an inproc PAIR socket, which the
// pipeline thread polls with its other sockets. One direction only: the pipeline thread
// answers nothing, and stops the Asio thread with asio::post when it is done.
// The dashboard's control requests ride the same PAIR as three-part messages
// (command_sender.h); their replies come back through the DashboardFeed's handler.
#pragma once

#include <cstdint>

namespace calmon::daemon {

enum class Command : std::uint8_t {
  kStatus = 's',            // the status interval is over
  kSnapshot = 'p',          // time for a projection snapshot
  kShutdown = 'q',          // SIGINT or SIGTERM: end the session, exit
  kDashboardRequest = 'r',  // then [ticket (8 bytes)][ControlRequest JSON] from a browser
};

// The PAIR's address; one daemon per process, one context per daemon.
inline constexpr const char* kCommandEndpoint = "inproc://calmond-commands";

}  // namespace calmon::daemon
