// loopback.h — whether an address names this machine's loopback interface only.
//
// Binding to a loopback address keeps a socket off the network; anything else (a
// wildcard, an interface address, a host name) may be reachable from other machines,
// so it needs authentication (protected mode). The answer comes from the text alone:
// nothing is resolved, so a name other than "localhost" counts as not loopback — the
// safe side.
#pragma once

#include <string_view>

namespace calmon::net {

// "localhost", an IPv4 address in 127.0.0.0/8, "::1" (also "[::1]" and IPv4-mapped
// ::ffff:127.x.y.z). Case-insensitive for the name.
bool is_loopback_host(std::string_view host);

}  // namespace calmon::net
