// http_access.h — who may use the dashboard: Host, Origin and token rules for each request.
//
// The dashboard's WebSocket can change the ROIs and stop calmond, so a request is
// served only if
//   - its Host names an address this dashboard serves (and the bound port, if it has
//     one): a page of another site whose name was made to resolve to this machine
//     (DNS rebinding) still sends its own name, and is refused;
//   - a WebSocket upgrade's Origin, when there is one, is this dashboard's own page
//     (http://<allowed host>:<port>): another site's page cannot open the WebSocket
//     (a client that sends no Origin is not a browser page, and is let through);
//   - if the dashboard has a token, the request carries it: ?token= in the target, an
//     "Authorization: Bearer" header, or the cookie set on the first request that had
//     it (HttpOnly, SameSite=Strict), so the page's module files and its WebSocket
//     load after the first page view. Compared in constant time.
// Pure: the rules are built from the bound address and the machine's names, given by
// the caller; a request is a few header values. No sockets, no name resolution.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/http_refusals.h"

namespace calmon::daemon {

// A host as it is compared: lowercase, without brackets; an IP address in its
// canonical text ("0:0::1" -> "::1").
std::string canonical_host(std::string_view host);

// The hosts a request may name, for a dashboard bound to `bound_address` (an IP
// address literal) and configured as `configured_host` (--http's host, maybe a name):
//   loopback address: localhost, 127.0.0.1, ::1, the bound and the configured host;
//   wildcard (0.0.0.0, ::): `machine_names` (its interface addresses and host name)
//     and localhost;
//   any other address: the bound and the configured host;
// and always `extra` (--http-allow-host). Canonical, without repeats.
std::vector<std::string> dashboard_host_names(std::string_view configured_host, std::string_view bound_address,
                                              std::span<const std::string> machine_names,
                                              std::span<const std::string> extra);

// A Host header split into host and port: "name", "name:8080", "[::1]:8080".
struct HostAndPort {
  std::string host;
  std::optional<std::uint16_t> port;
};
std::optional<HostAndPort> parse_host_header(std::string_view value);

// The request's parts the rules look at; an absent header is nullopt.
struct HttpRequestFacts {
  std::optional<std::string_view> host;
  std::optional<std::string_view> origin;
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> cookie;
  std::string_view target;  // "/app.js?token=..."
  bool websocket_upgrade = false;
};

struct HttpAccessVerdict {
  std::optional<HttpRefusal> refused;
  std::string why;          // when refused: one line for the 403 body and the log, without the token
  bool set_cookie = false;  // the token came in the target or a header: give the page its cookie
};

class HttpAccess {
 public:
  // `hosts` from dashboard_host_names; `token` empty: no token needed.
  HttpAccess(std::vector<std::string> hosts, std::uint16_t port, std::string token);

  HttpAccessVerdict check(const HttpRequestFacts& request) const;

  // The Set-Cookie value that carries the token ("calmon-token-PORT=...; HttpOnly; ...").
  std::string token_cookie() const;
  const std::string& token() const { return token_; }
  const std::vector<std::string>& hosts() const { return hosts_; }

 private:
  bool host_allowed(const HostAndPort& host) const;
  bool origin_allowed(std::string_view origin) const;

  std::vector<std::string> hosts_;
  std::uint16_t port_;
  std::string token_;
  std::string cookie_name_;
};

// `url` ("http://HOST:PORT/") with "?token=TOKEN" appended, if there is a token.
std::string url_with_token(const std::string& url, const std::string& token);

}  // namespace calmon::daemon
