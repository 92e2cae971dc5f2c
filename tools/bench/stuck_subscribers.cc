// stuck_subscribers.cc — raw ZMTP subscribers that never read; see the header.
#include "stuck_subscribers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace calmon::bench {
namespace {

constexpr std::string_view kTopics[StuckSubscribers::kCount] = {"traces", "projections", "status", "rois"};

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("a stuck subscriber could not send its subscription");
    sent += static_cast<std::size_t>(n);
  }
}

void receive_all(int fd, unsigned char* data, std::size_t size) {
  std::size_t received = 0;
  while (received < size) {
    const ssize_t n = ::recv(fd, data + received, size - received, 0);
    if (n <= 0) throw std::runtime_error("calmond closed a stuck subscriber's connection during its handshake");
    received += static_cast<std::size_t>(n);
  }
}

// A connection subscribed to `topic`, its receive buffer small (set before connecting).
int subscribe(const std::string& host, int port, std::string_view topic) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  const int buffer = 64 * 1024;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  const timeval timeout{10, 0};  // for the handshake
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  // calmond drops a stuck connection without a word; a keepalive probe a second after
  // the line went quiet draws the reset that tells this end.
  const int on = 1, idle = 1, interval = 1, count = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("a stuck subscriber could not connect to " + host + ":" + std::to_string(port));
  }
  // ZMTP 3.0: greeting (signature, version 3.0, NULL mechanism, as client), READY with
  // Socket-Type SUB, then the subscription message: 0x01 and the topic.
  std::string bytes("\xff\0\0\0\0\0\0\0\0\x7f\x03\x00NULL", 16);
  bytes.append(16 + 1 + 31, '\0');  // the mechanism's padding, as-server 0, filler
  std::string ready("\x05READY\x0bSocket-Type\0\0\0\x03SUB", 6 + 12 + 4 + 3);
  bytes += '\x04';  // a short command
  bytes += static_cast<char>(ready.size());
  bytes += ready;
  send_all(fd, bytes);
  // calmond's greeting and READY: libzmq takes no message before its READY has gone out.
  unsigned char head[66];
  receive_all(fd, head, sizeof head);
  unsigned char body[255];
  receive_all(fd, body, head[65]);
  std::string subscription("\x00", 1);  // a short message, the last part
  subscription += static_cast<char>(1 + topic.size());
  subscription += '\x01';
  subscription += topic;
  send_all(fd, subscription);
  return fd;
}

}  // namespace

StuckSubscribers::StuckSubscribers(const std::string& publish_endpoint) {
  const std::string prefix = "tcp://";
  const std::size_t colon = publish_endpoint.rfind(':');
  if (publish_endpoint.rfind(prefix, 0) != 0 || colon == std::string::npos || colon < prefix.size()) {
    throw std::runtime_error("stuck subscribers need a tcp:// publish endpoint, not " + publish_endpoint);
  }
  host_ = publish_endpoint.substr(prefix.size(), colon - prefix.size());
  port_ = std::stoi(publish_endpoint.substr(colon + 1));
  for (unsigned i = 0; i < kCount; ++i) sockets_[i] = subscribe(host_, port_, kTopics[i]);
  thread_ = std::thread([this] { run(); });
}

StuckSubscribers::~StuckSubscribers() {
  stop_ = true;
  thread_.join();
  for (int fd : sockets_) {
    if (fd >= 0) ::close(fd);
  }
}

void StuckSubscribers::run() {
  while (!stop_) {
    pollfd fds[kCount];
    for (unsigned i = 0; i < kCount; ++i) fds[i] = {sockets_[i], POLLRDHUP, 0};  // never POLLIN: never read
    if (::poll(fds, kCount, 100) <= 0) continue;
    for (unsigned i = 0; i < kCount; ++i) {
      if (!(fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR))) continue;
      ::close(sockets_[i]);
      sockets_[i] = -1;
      ++disconnections_;
      try {
        sockets_[i] = subscribe(host_, port_, kTopics[i]);
      } catch (const std::runtime_error&) {  // calmond is going away: nothing to watch
        stop_ = true;
      }
    }
  }
}

}  // namespace calmon::bench
