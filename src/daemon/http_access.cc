// http_access.cc — Host, Origin and token checks; see the header.
#include "daemon/http_access.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "net/loopback.h"

namespace calmon::daemon {

namespace {

std::string lowercase(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) { return std::tolower(c); });
  return result;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Untrusted text for a log line or a reply: printable ASCII only, at most 80 characters.
std::string printable(std::string_view text) {
  std::string result;
  for (const char c : text.substr(0, 80)) result += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 80) result += "...";
  return result;
}

bool is_wildcard(std::string_view address) {
  const std::string host = canonical_host(address);
  return host == "0.0.0.0" || host == "::";
}

// Equal without an early exit, so the time taken tells nothing about where they differ.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

// The value of `name` in the target's query ("/?token=abc&x=1"), if present.
std::optional<std::string_view> query_parameter(std::string_view target, std::string_view name) {
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() || lowercase(authorization.substr(0, kScheme.size())) != kScheme) {
    return std::nullopt;
  }
  return trim(authorization.substr(kScheme.size()));
}

std::optional<std::string_view> cookie_value(std::string_view cookies, std::string_view name) {
  while (!cookies.empty()) {
    const std::size_t semicolon = cookies.find(';');
    const std::string_view pair = trim(cookies.substr(0, semicolon));
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (semicolon == std::string_view::npos) break;
    cookies.remove_prefix(semicolon + 1);
  }
  return std::nullopt;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

HttpAccessVerdict refuse(HttpRefusal reason, std::string why) { return {reason, std::move(why), false}; }

}  // namespace

std::string canonical_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string text = lowercase(host);
  std::array<unsigned char, 16> bytes{};
  std::array<char, INET6_ADDRSTRLEN> canonical{};
  for (const int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, text.c_str(), bytes.data()) == 1 &&
        inet_ntop(family, bytes.data(), canonical.data(), canonical.size()) != nullptr) {
      return canonical.data();
    }
  }
  return text;
}

std::vector<std::string> dashboard_host_names(std::string_view configured_host, std::string_view bound_address,
                                              std::span<const std::string> machine_names,
                                              std::span<const std::string> extra) {
  std::vector<std::string> names;
  if (is_wildcard(bound_address)) {
    names.assign(machine_names.begin(), machine_names.end());
    names.emplace_back("localhost");
  } else {
    names = {std::string(bound_address), std::string(configured_host)};
    if (net::is_loopback_host(bound_address)) names.insert(names.end(), {"localhost", "127.0.0.1", "::1"});
  }
  names.insert(names.end(), extra.begin(), extra.end());
  for (std::string& name : names) name = canonical_host(name);
  std::erase_if(names, [](const std::string& name) { return name.empty() || is_wildcard(name); });
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::optional<HostAndPort> parse_host_header(std::string_view value) {
  value = trim(value);
  std::string_view host = value;
  std::string_view port;
  bool has_port = false;
  if (value.starts_with('[')) {
    const std::size_t close = value.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = value.substr(0, close + 1);
    const std::string_view rest = value.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      has_port = true;
    }
  } else if (const std::size_t colon = value.find(':'); colon != std::string_view::npos) {
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
    has_port = true;
  }
  if (host.empty() || host == "[]") return std::nullopt;
  HostAndPort result{canonical_host(host), std::nullopt};
  if (has_port) {
    result.port = parse_port(port);
    if (!result.port) return std::nullopt;
  }
  return result;
}

HttpAccess::HttpAccess(std::vector<std::string> hosts, std::uint16_t port, std::string token)
    : hosts_(std::move(hosts)),
      port_(port),
      token_(std::move(token)),
      cookie_name_("calmon-token-" + std::to_string(port)) {}

bool HttpAccess::host_allowed(const HostAndPort& host) const {
  if (host.port && *host.port != port_) return false;
  return std::find(hosts_.begin(), hosts_.end(), host.host) != hosts_.end();
}

bool HttpAccess::origin_allowed(std::string_view origin) const {
  constexpr std::string_view kScheme = "http://";
  origin = trim(origin);
  if (origin.size() <= kScheme.size() || lowercase(origin.substr(0, kScheme.size())) != kScheme) return false;
  auto host = parse_host_header(origin.substr(kScheme.size()));
  if (!host) return false;
  if (!host->port) host->port = 80;  // a browser leaves out http's default port
  return host_allowed(*host);
}

HttpAccessVerdict HttpAccess::check(const HttpRequestFacts& request) const {
  if (!request.host) return refuse(HttpRefusal::kHost, "no Host header");
  const auto host = parse_host_header(*request.host);
  if (!host || !host_allowed(*host)) {
    return refuse(HttpRefusal::kHost, "Host '" + printable(*request.host) +
                                          "' is not an address of this dashboard (calmond --http-allow-host NAME "
                                          "allows another name)");
  }
  if (request.websocket_upgrade && request.origin && !origin_allowed(*request.origin)) {
    return refuse(HttpRefusal::kOrigin, "a WebSocket from a page of Origin '" + printable(*request.origin) +
                                            "': only the dashboard's own page may connect");
  }
  if (token_.empty()) return {};
  const auto matches = [&](std::optional<std::string_view> given) { return given && same_secret(*given, token_); };
  if (request.cookie && matches(cookie_value(*request.cookie, cookie_name_))) return {};
  if (matches(query_parameter(request.target, "token")) ||
      (request.authorization && matches(bearer_token(*request.authorization)))) {
    return {std::nullopt, "", true};
  }
  return refuse(HttpRefusal::kToken,
                "this dashboard needs its token: open the URL calmond printed (http://HOST:PORT/?token=...)");
}

std::string HttpAccess::token_cookie() const {
  return cookie_name_ + "=" + token_ + "; HttpOnly; SameSite=Strict; Path=/";
}

std::string url_with_token(const std::string& url, const std::string& token) {
  return token.empty() ? url : url + "?token=" + token;
}

}  // namespace calmon::daemon
