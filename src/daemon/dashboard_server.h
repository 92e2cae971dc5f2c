// dashboard_server.h — calmond's HTTP server: the dashboard's files and its WebSocket.
//
// Boost.Beast on the daemon's io_context (the Asio thread). Binds in the constructor,
// so a busy or bad address is known before the ready line; 127.0.0.1:8080 unless
// configured, port 0 picks a free one (url() names it). GET and HEAD of files under
// the web root (static_files.h: nothing outside it), keep-alive, a 30 s limit per
// request; an upgrade on /ws becomes a WebSocketClient of the DashboardHub. The files
// are read from disk on every request: the page is plain ES modules, no build step.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <string>

#include "daemon/command_sender.h"
#include "daemon/dashboard_feed.h"
#include "daemon/dashboard_hub.h"
#include "daemon/http_endpoint.h"

namespace calmon::daemon {

class DashboardServer {
 public:
  // Throws calmon::Error (one line) if it cannot listen at `endpoint`.
  DashboardServer(boost::asio::io_context& io, const HttpEndpoint& endpoint, std::filesystem::path web_root,
                  DashboardFeed& feed, CommandSender& commands);
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  // "http://127.0.0.1:PORT/", the port as bound.
  const std::string& url() const { return url_; }

 private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  std::filesystem::path web_root_;
  DashboardHub hub_;
  std::string url_;
};

}  // namespace calmon::daemon
