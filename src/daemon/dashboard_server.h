// dashboard_server.h — calmond's HTTP server: the dashboard's files and its WebSocket.
//
// Boost.Beast on the daemon's io_context (the Asio thread). Binds in the constructor,
// so a busy or bad address is known before the ready line; port 0 picks a free one
// (url() names it). GET and HEAD of files under the web root (static_files.h: nothing
// outside it), keep-alive; an upgrade on /ws becomes a WebSocketClient of the
// DashboardHub. The files are read from disk on every request: the page is plain ES
// modules, no build step.
//
// Every request passes the access rules first (http_access.h: Host, Origin, token);
// a refused one gets 403 with one line saying why, is counted (HttpRefusalCounters,
// read for Status) and logged at most once a second per reason. Limits, so no crowd of
// clients can take the daemon's descriptors or its Asio thread:
//   - a request must arrive within the idle timeout (also between keep-alive requests);
//   - at most max_connections HTTP and WebSocket connections at once (connection_slots.h);
//     one more is closed at once (counted as "connections");
//   - when accepting fails (out of file descriptors: EMFILE, ENFILE), accepting pauses
//     for kFirstAcceptPause, doubling up to kLongestAcceptPause while it keeps failing,
//     instead of retrying at once in a loop; one log line says so.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/command_sender.h"
#include "daemon/connection_slots.h"
#include "daemon/dashboard_feed.h"
#include "daemon/dashboard_hub.h"
#include "daemon/http_access.h"
#include "daemon/http_endpoint.h"
#include "daemon/http_refusals.h"
#include "daemon/rate_limited_log.h"

namespace calmon::daemon {

struct DashboardOptions {
  HttpEndpoint endpoint;
  std::filesystem::path web_root;
  std::string token;                       // "": none needed
  std::vector<std::string> allowed_hosts;  // names besides the dashboard's own (--http-allow-host)
  std::size_t max_connections = 64;
  std::chrono::milliseconds idle_timeout{5000};
  std::size_t history_bytes = 0;  // the trace history's budget (dashboard_history.h); 0: none
};

class DashboardServer {
 public:
  static constexpr std::chrono::milliseconds kFirstAcceptPause{100};
  static constexpr std::chrono::milliseconds kLongestAcceptPause{1000};
  static constexpr std::chrono::seconds kWriteTimeout{30};

  // Throws calmon::Error (one line) if it cannot listen at options.endpoint. `feed`,
  // `commands` and `refusals` outlive the server.
  DashboardServer(boost::asio::io_context& io, const DashboardOptions& options, DashboardFeed& feed,
                  CommandSender& commands, HttpRefusalCounters& refusals, RateLimitedLog::Sink log);
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  // "http://127.0.0.1:PORT/", the port as bound, with "?token=..." if there is one. For
  // a wildcard address, the loopback address of its kind (127.0.0.1 or [::1]).
  const std::string& url() const { return url_; }
  // For a wildcard address: the URL with this machine's host name, for other
  // machines; "" otherwise.
  const std::string& remote_url() const { return remote_url_; }
  const std::string& token() const { return access_.token(); }

 private:
  class HttpSession;

  void accept();
  void pause_accepting(const boost::system::error_code& error);
  void refuse(HttpRefusal reason, const std::string& peer, const std::string& why);

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_pause_timer_;
  std::chrono::milliseconds accept_pause_{0};  // 0 while accepting works
  HttpAccess access_;
  std::filesystem::path web_root_;
  std::chrono::milliseconds idle_timeout_;
  ConnectionSlots slots_;
  HttpRefusalCounters& refusals_;
  RateLimitedLog log_;
  boost::asio::steady_timer log_flush_timer_;
  bool log_flush_armed_ = false;
  DashboardHub hub_;
  std::string url_;
  std::string remote_url_;
};

}  // namespace calmon::daemon
