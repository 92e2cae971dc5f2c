// dashboard_server.cc — accepting, access checks, HTTP requests, static files, upgrades;
// see the header.
#include "daemon/dashboard_server.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <array>
#include <climits>
#include <cstring>
#include <memory>
#include <optional>

#include "core/error.h"
#include "daemon/static_files.h"

namespace calmon::daemon {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

tcp::acceptor open_acceptor(boost::asio::io_context& io, const HttpEndpoint& endpoint) {
  const std::string where = endpoint.host + ":" + std::to_string(endpoint.port);
  beast::error_code error;
  tcp::resolver resolver(io);
  const auto found =
      resolver.resolve(endpoint.host, std::to_string(endpoint.port), tcp::resolver::numeric_service, error);
  if (error || found.empty()) throw Error("dashboard: cannot resolve " + where + ": " + error.message());
  const tcp::endpoint address = found.begin()->endpoint();
  tcp::acceptor acceptor(io);
  acceptor.open(address.protocol(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(address, error);
  if (!error) acceptor.listen(boost::asio::socket_base::max_listen_connections, error);
  if (error) throw Error("dashboard: cannot listen on " + where + ": " + error.message());
  return acceptor;
}

std::string host_name() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return {};
  return name.data();
}

// The addresses of this machine's interfaces and its host name: what a Host header may
// name when the dashboard listens on every interface.
std::vector<std::string> machine_names() {
  std::vector<std::string> names;
  if (const std::string name = host_name(); !name.empty()) names.push_back(name);
  ifaddrs* interfaces = nullptr;
  if (getifaddrs(&interfaces) != 0) return names;
  for (const ifaddrs* i = interfaces; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      boost::asio::ip::address_v4::bytes_type bytes;
      std::memcpy(bytes.data(), &in->sin_addr, bytes.size());
      names.push_back(boost::asio::ip::address_v4(bytes).to_string());
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      boost::asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
      names.push_back(boost::asio::ip::address_v6(bytes).to_string());
    }
  }
  freeifaddrs(interfaces);
  return names;
}

HttpAccess make_access(const DashboardOptions& options, const tcp::endpoint& bound) {
  const boost::asio::ip::address address = bound.address();
  const std::vector<std::string> machine = address.is_unspecified() ? machine_names() : std::vector<std::string>{};
  return HttpAccess(dashboard_host_names(options.endpoint.host, address.to_string(), machine, options.allowed_hosts),
                    bound.port(), options.token);
}

std::optional<std::string_view> header(const http::request<http::string_body>& request, http::field field) {
  const auto found = request.find(field);
  if (found == request.end()) return std::nullopt;
  return std::string_view(found->value().data(), found->value().size());
}

}  // namespace

// One HTTP connection: requests one after another until closed or upgraded. Holds a
// connection slot for its whole life (passed on to the WebSocket it may become).
class DashboardServer::HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, DashboardServer& server, ConnectionSlots::Slot slot, std::string peer)
      : stream_(std::move(socket)), server_(server), slot_(std::move(slot)), peer_(std::move(peer)) {}

  void read() {
    request_ = {};
    stream_.expires_after(server_.idle_timeout_);
    http::async_read(stream_, buffer_, request_, [self = shared_from_this()](beast::error_code error, std::size_t) {
      if (error) return self->close();
      self->handle();
    });
  }

 private:
  void handle() {
    const bool upgrade = beast::websocket::is_upgrade(request_);
    const HttpAccessVerdict verdict = server_.access_.check({
        .host = header(request_, http::field::host),
        .origin = header(request_, http::field::origin),
        .authorization = header(request_, http::field::authorization),
        .cookie = header(request_, http::field::cookie),
        .target = std::string_view(request_.target().data(), request_.target().size()),
        .websocket_upgrade = upgrade,
    });
    cookie_ = verdict.set_cookie ? server_.access_.token_cookie() : std::string();
    if (verdict.refused) {
      server_.refuse(*verdict.refused, peer_, verdict.why);
      return reply_text(http::status::forbidden, verdict.why + "\n", /*keep_alive=*/false);
    }
    if (upgrade) {
      const std::string_view target(request_.target().data(), request_.target().size());
      if (target.substr(0, target.find('?')) == "/ws") {
        return server_.hub_.adopt(std::move(stream_), std::move(request_), std::move(slot_));
      }
      return reply_text(http::status::not_found, "no WebSocket here; the dashboard's is /ws\n");
    }
    if (request_.method() != http::verb::get && request_.method() != http::verb::head) {
      return reply_text(http::status::method_not_allowed, "GET or HEAD only\n");
    }
    const auto file =
        resolve_static_file(server_.web_root_, std::string_view(request_.target().data(), request_.target().size()));
    if (!file) return reply_text(http::status::not_found, "not found\n");
    http::file_body::value_type body;
    beast::error_code error;
    body.open(file->c_str(), beast::file_mode::scan, error);
    if (error) return reply_text(http::status::not_found, "not found\n");
    const std::uint64_t size = body.size();
    http::response<http::file_body> response{std::piecewise_construct, std::make_tuple(std::move(body)),
                                             std::make_tuple(http::status::ok, request_.version())};
    set_common_fields(response);
    response.set(http::field::content_type, std::string(content_type_of(*file)));
    response.set(http::field::cache_control, "no-cache");
    response.content_length(size);
    response.keep_alive(request_.keep_alive());
    if (request_.method() == http::verb::head) {
      http::response<http::empty_body> head{http::status::ok, request_.version()};
      head.base() = response.base();
      return send(std::move(head));
    }
    send(std::move(response));
  }

  template <class Body> void set_common_fields(http::response<Body>& response) {
    response.set(http::field::server, "calmond");
    response.set("X-Content-Type-Options", "nosniff");
    if (!cookie_.empty()) response.set(http::field::set_cookie, cookie_);
  }

  void reply_text(http::status status, const std::string& text, bool keep_alive = true) {
    http::response<http::string_body> response{status, request_.version()};
    set_common_fields(response);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.keep_alive(keep_alive && request_.keep_alive());
    response.body() = text;
    response.prepare_payload();
    send(std::move(response));
  }

  template <class Body> void send(http::response<Body>&& response) {
    auto message = std::make_shared<http::response<Body>>(std::move(response));
    const bool keep_alive = message->keep_alive();
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message, keep_alive](beast::error_code error, std::size_t) {
                        if (error || !keep_alive) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  DashboardServer& server_;
  ConnectionSlots::Slot slot_;
  std::string peer_;    // "ADDRESS:PORT", for the log
  std::string cookie_;  // Set-Cookie for this request's response, when it brought the token
};

DashboardServer::DashboardServer(boost::asio::io_context& io, const DashboardOptions& options, DashboardFeed& feed,
                                 CommandSender& commands, HttpRefusalCounters& refusals, RateLimitedLog::Sink log)
    : acceptor_(open_acceptor(io, options.endpoint)),
      accept_pause_timer_(io),
      access_(make_access(options, acceptor_.local_endpoint())),
      web_root_(options.web_root),
      idle_timeout_(options.idle_timeout),
      slots_(options.max_connections),
      refusals_(refusals),
      log_(std::move(log)),
      log_flush_timer_(io),
      hub_(io, feed, commands, options.history_bytes) {
  const tcp::endpoint bound = acceptor_.local_endpoint();
  const boost::asio::ip::address address = bound.address();
  if (address.is_unspecified()) {
    url_ = http_url(address.is_v4() ? "127.0.0.1" : "::1", bound.port());
    if (const std::string name = host_name(); !name.empty()) remote_url_ = http_url(name, bound.port());
  } else {
    url_ = http_url(address.to_string(), bound.port());
  }
  url_ = url_with_token(url_, access_.token());
  if (!remote_url_.empty()) remote_url_ = url_with_token(remote_url_, access_.token());
  accept();
}

void DashboardServer::accept() {
  acceptor_.async_accept([this](beast::error_code error, tcp::socket socket) {
    if (error == boost::asio::error::operation_aborted) return;
    if (error && error != boost::asio::error::connection_aborted) return pause_accepting(error);
    accept_pause_ = {};
    if (!error) {
      beast::error_code ignored;
      const tcp::endpoint remote = socket.remote_endpoint(ignored);
      std::string peer = remote.address().to_string() + ":" + std::to_string(remote.port());
      if (auto slot = slots_.take()) {
        std::make_shared<HttpSession>(std::move(socket), *this, std::move(*slot), std::move(peer))->read();
      } else {
        socket.close(ignored);
        refuse(HttpRefusal::kConnections, peer,
               "already " + std::to_string(slots_.max()) + " connections open (--http-max-connections)");
      }
    }
    accept();
  });
}

void DashboardServer::pause_accepting(const boost::system::error_code& error) {
  if (accept_pause_ == std::chrono::milliseconds{0}) {
    log_.write("dashboard accept",
               "dashboard: cannot accept a connection (" + error.message() + "); trying again in " +
                   std::to_string(kFirstAcceptPause.count()) + " ms to " + std::to_string(kLongestAcceptPause.count()) +
                   " ms",
               RateLimitedLog::Clock::now());
    accept_pause_ = kFirstAcceptPause;
  } else {
    accept_pause_ = std::min(accept_pause_ * 2, std::chrono::milliseconds(kLongestAcceptPause));
  }
  accept_pause_timer_.expires_after(accept_pause_);
  accept_pause_timer_.async_wait([this](const boost::system::error_code& timer_error) {
    if (!timer_error) accept();
  });
}

void DashboardServer::refuse(HttpRefusal reason, const std::string& peer, const std::string& why) {
  refusals_.count(reason);
  const std::string key = "dashboard refused (" + std::string(http_refusal_key(reason)) + ")";
  log_.write(key, key + " " + peer + ": " + why, RateLimitedLog::Clock::now());
  if (log_flush_armed_) return;
  // Lines suppressed now are counted in a line of their own once the period is over.
  log_flush_armed_ = true;
  log_flush_timer_.expires_after(std::chrono::milliseconds(1100));
  log_flush_timer_.async_wait([this](const boost::system::error_code& error) {
    log_flush_armed_ = false;
    if (!error) log_.flush(RateLimitedLog::Clock::now());
  });
}

}  // namespace calmon::daemon
