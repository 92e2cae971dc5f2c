// loopback.cc — loopback addresses recognised from their text; see the header.
#include "net/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace calmon::net {

namespace {

constexpr std::string_view kLoopbackNames[] = {"localhost", "lo"};

bool is_loopback_ipv4(const std::string& text) {
  in_addr address{};
  if (inet_pton(AF_INET, text.c_str(), &address) != 1) return false;
  return (ntohl(address.s_addr) >> 24) == 127;  // 127.0.0.0/8
}

bool is_loopback_ipv6(const std::string& text) {
  in6_addr address{};
  if (inet_pton(AF_INET6, text.c_str(), &address) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&address)) return true;
  return IN6_IS_ADDR_V4MAPPED(&address) && address.s6_addr[12] == 127;  // ::ffff:127.x.y.z
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string text(host);
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string_view name : kLoopbackNames) {  // host names are not case-sensitive
    if (text == name) return true;
  }
  return is_loopback_ipv4(text) || is_loopback_ipv6(text);
}

bool is_loopback_endpoint(std::string_view zmq_endpoint) {
  const std::size_t separator = zmq_endpoint.find("://");
  if (separator == std::string_view::npos) return false;
  const std::string_view transport = zmq_endpoint.substr(0, separator);
  const std::string_view address = zmq_endpoint.substr(separator + 3);
  if (transport == "ipc" || transport == "inproc") return true;
  if (transport != "tcp") return false;
  // tcp://HOST:PORT; the port follows the last colon (an IPv6 host has colons of its own).
  const std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return false;
  return is_loopback_host(address.substr(0, colon));
}

}  // namespace calmon::net
