// http_endpoint.h — the dashboard's listening address, from "HOST:PORT" text.
//
// --http and the config's `http` field take "127.0.0.1:8080", "localhost:0" (port 0:
// the system picks one; the ready line names it) or the same with an "http://" prefix
// and a trailing "/", so the address printed can be given back. A numeric IPv6 host is
// written in brackets: "[::1]:8080". An empty text means no dashboard.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace calmon::daemon {

struct HttpEndpoint {
  std::string host;
  std::uint16_t port = 0;
};

// Throws calmon::Error (one line naming the text) if it is not HOST:PORT.
HttpEndpoint parse_http_endpoint(std::string_view text);

// "http://HOST:PORT/", brackets around an IPv6 host.
std::string http_url(const std::string& host, std::uint16_t port);

}  // namespace calmon::daemon
