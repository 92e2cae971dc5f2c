// dashboard_server.cc — accepting, HTTP requests, static files, upgrades; see the header.
#include "daemon/dashboard_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <memory>

#include "core/error.h"
#include "daemon/static_files.h"

namespace calmon::daemon {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr std::chrono::seconds kRequestTimeout{30};

// One HTTP connection: requests one after another until closed or upgraded.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, const std::filesystem::path& web_root, DashboardHub& hub)
      : stream_(std::move(socket)), web_root_(web_root), hub_(hub) {}

  void read() {
    request_ = {};
    stream_.expires_after(kRequestTimeout);
    http::async_read(stream_, buffer_, request_, [self = shared_from_this()](beast::error_code error, std::size_t) {
      if (error) return self->close();
      self->handle();
    });
  }

 private:
  void handle() {
    if (beast::websocket::is_upgrade(request_)) {
      if (request_.target() == "/ws") return hub_.adopt(std::move(stream_), std::move(request_));
      return reply_text(http::status::not_found, "no WebSocket here; the dashboard's is /ws\n");
    }
    if (request_.method() != http::verb::get && request_.method() != http::verb::head) {
      return reply_text(http::status::method_not_allowed, "GET or HEAD only\n");
    }
    const auto file = resolve_static_file(web_root_, std::string_view(request_.target().data(), request_.target().size()));
    if (!file) return reply_text(http::status::not_found, "not found\n");
    http::file_body::value_type body;
    beast::error_code error;
    body.open(file->c_str(), beast::file_mode::scan, error);
    if (error) return reply_text(http::status::not_found, "not found\n");
    const std::uint64_t size = body.size();
    http::response<http::file_body> response{std::piecewise_construct, std::make_tuple(std::move(body)),
                                             std::make_tuple(http::status::ok, request_.version())};
    response.set(http::field::server, "calmond");
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

  void reply_text(http::status status, const std::string& text) {
    http::response<http::string_body> response{status, request_.version()};
    response.set(http::field::server, "calmond");
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.keep_alive(request_.keep_alive());
    response.body() = text;
    response.prepare_payload();
    send(std::move(response));
  }

  template <class Body> void send(http::response<Body>&& response) {
    auto message = std::make_shared<http::response<Body>>(std::move(response));
    const bool keep_alive = message->keep_alive();
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
  const std::filesystem::path& web_root_;
  DashboardHub& hub_;
};

}  // namespace

DashboardServer::DashboardServer(boost::asio::io_context& io, const HttpEndpoint& endpoint,
                                 std::filesystem::path web_root, DashboardFeed& feed, CommandSender& commands)
    : acceptor_(io), web_root_(std::move(web_root)), hub_(io, feed, commands) {
  const std::string where = endpoint.host + ":" + std::to_string(endpoint.port);
  beast::error_code error;
  tcp::resolver resolver(io);
  const auto found = resolver.resolve(endpoint.host, std::to_string(endpoint.port),
                                      tcp::resolver::numeric_service, error);
  if (error || found.empty()) throw Error("dashboard: cannot resolve " + where + ": " + error.message());
  const tcp::endpoint address = found.begin()->endpoint();
  acceptor_.open(address.protocol(), error);
  if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor_.bind(address, error);
  if (!error) acceptor_.listen(boost::asio::socket_base::max_listen_connections, error);
  if (error) throw Error("dashboard: cannot listen on " + where + ": " + error.message());
  const tcp::endpoint bound = acceptor_.local_endpoint();
  url_ = http_url(bound.address().to_string(), bound.port());
  accept();
}

void DashboardServer::accept() {
  acceptor_.async_accept([this](beast::error_code error, tcp::socket socket) {
    if (error == boost::asio::error::operation_aborted) return;
    if (!error) std::make_shared<HttpSession>(std::move(socket), web_root_, hub_)->read();
    accept();
  });
}

}  // namespace calmon::daemon
