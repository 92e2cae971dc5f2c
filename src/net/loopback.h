// loopback.h — does an address stay on this machine? For protected mode and the dashboard.
//
// calmond refuses to bind a socket where other machines can reach it unless the socket
// is protected (CURVE) or the user says so (--allow-unprotected); the dashboard asks the
// same about its host. The answer is read from the text alone — no name resolution, no
// look at the machine's interfaces — so it is pure, and anything it cannot prove local
// counts as reachable from the network:
//   local   ipc:// and inproc:// endpoints; tcp:// on 127.0.0.0/8, ::1 (also written
//           [::1] or ::ffff:127.x.y.z), "localhost" and the loopback interface "lo"
//   network everything else: "*", 0.0.0.0, "::", another address, an interface name
//           (eth0), a host name, another transport (pgm://, udp://, ...)
#pragma once

#include <string_view>

namespace calmon::net {

// `host` as given to a TCP bind: an IPv4 or IPv6 address (brackets allowed), a name or an
// interface name.
bool is_loopback_host(std::string_view host);

// A ZeroMQ endpoint, "transport://address".
bool is_loopback_endpoint(std::string_view zmq_endpoint);

}  // namespace calmon::net
