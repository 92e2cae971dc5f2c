// protected_mode.h — no socket reachable from the network without authentication, unless asked.
//
// As Redis's protected mode: a calmond that binds a ZeroMQ socket beyond the loopback
// interface (0.0.0.0, *, a LAN address, an interface or host name) lets anyone who can
// reach the machine send frames, read results and shut it down — unless CURVE is on;
// a dashboard beyond loopback lets them change the ROIs and stop calmond — unless it has
// a token (http_access.h). So such a bind without its protection stops calmond at
// start, with one line naming what is exposed and the ways out: turn CURVE on or give
// the dashboard its token, bind loopback, or say --allow-unprotected (then a warning
// line is logged instead and calmond starts). "Loopback" is decided from the text alone
// (net/loopback.h); ipc:// and inproc:// are local. The ingest socket in SUB mode
// connects rather than binds and is not concerned. Pure: settings in, a verdict and its
// line out.
#pragma once

#include <string>

#include "daemon/daemon_settings.h"

namespace calmon::daemon {

struct ProtectedMode {
  bool refuse = false;  // calmond must not start
  std::string line;     // the refusal, or the warning when overridden; "" when all is well
};

ProtectedMode check_protected_mode(const DaemonSettings& settings);

}  // namespace calmon::daemon
