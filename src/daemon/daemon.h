// daemon.h — calmond from settings to exit status: sockets, threads, shutdown.
//
// Wiring only. The main thread binds every socket (a bad endpoint fails here), prints
// the ready line, starts the pipeline thread (pipeline_loop.h, owner of every socket
// from then on) and runs the Boost.Asio io_context (signals_and_timers.h) itself. A
// shutdown — signal or control request — ends the session on the pipeline thread,
// which then closes its sockets and stops the io_context; the ZeroMQ context's end
// waits up to linger_s for the last messages to reach their subscribers. The dashboard
// (dashboard_server.h) runs on the io_context too, fed by the pipeline through a
// DashboardFeed and a TeePublisher.
//
// Before anything is bound, protected mode (protected_mode.h) may refuse to start. With
// CURVE on, the ZAP handler (zap_handler.h) is started before the sockets are bound, on
// a thread of its own, and stopped after the pipeline thread closed them.
#pragma once

#include "daemon/daemon_settings.h"

namespace calmon::daemon {

// Runs calmond until it is shut down. Returns the exit status: 0 after a clean
// shutdown, 1 if it could not start (a line on stderr says why) or failed.
int run_daemon(const DaemonSettings& settings);

}  // namespace calmon::daemon
