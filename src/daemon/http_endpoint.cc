// http_endpoint.cc — parsing and printing HOST:PORT; see the header.
#include "daemon/http_endpoint.h"

#include <charconv>

#include "core/error.h"

namespace calmon::daemon {

HttpEndpoint parse_http_endpoint(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  if (rest.ends_with("/")) rest.remove_suffix(1);
  const auto bad = [&](const std::string& why) {
    return Error("http endpoint '" + std::string(text) + "': " + why + " (expected HOST:PORT, e.g. 127.0.0.1:8080)");
  };
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) throw bad("no host and port");
  std::string_view host = rest.substr(0, colon);
  const std::string_view port_text = rest.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') throw bad("unbalanced brackets");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    throw bad("an IPv6 host needs brackets");
  }
  unsigned port = 0;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    throw bad("the port is not a number from 0 to 65535");
  }
  return {std::string(host), static_cast<std::uint16_t>(port)};
}

std::string http_url(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/";
}

}  // namespace calmon::daemon
