// dashboard_pages.cc — Beast WebSocket clients, synchronous, a thread each; see the header.
#include "dashboard_pages.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>

namespace calmon::bench {

namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using WebSocket = websocket::stream<asio::ip::tcp::socket>;

std::unique_ptr<WebSocket> open_page(asio::io_context& io, const std::string& host, const std::string& port) {
  asio::ip::tcp::resolver resolver(io);
  auto ws = std::make_unique<WebSocket>(io);
  asio::connect(ws->next_layer(), resolver.resolve(host, port));
  ws->read_message_max(std::size_t{1} << 30);
  ws->handshake(host + ":" + port, "/ws");
  return ws;
}

}  // namespace

DashboardPages::DashboardPages(const std::string& http_url, int count) {
  const std::string prefix = "http://";
  const std::size_t colon = http_url.rfind(':');
  if (http_url.rfind(prefix, 0) != 0 || colon == std::string::npos || colon < prefix.size()) {
    throw std::runtime_error("calmond's dashboard URL is not http://HOST:PORT/: " + http_url);
  }
  host_ = http_url.substr(prefix.size(), colon - prefix.size());
  port_ = http_url.substr(colon + 1, http_url.find('/', colon) - colon - 1);
  for (int i = 0; i < count; ++i) {
    auto io = std::make_shared<asio::io_context>();
    std::shared_ptr<WebSocket> ws = open_page(*io, host_, port_);
    sockets_.push_back(ws->next_layer().native_handle());
    threads_.emplace_back([this, io, ws] {
      boost::beast::flat_buffer buffer;
      boost::system::error_code error;
      while (!error) {
        const std::size_t size = ws->read(buffer, error);
        if (error) break;
        messages_.fetch_add(1);
        bytes_.fetch_add(size);
        buffer.consume(buffer.size());
      }
    });
  }
}

DashboardPages::~DashboardPages() {
  for (const int socket : sockets_) ::shutdown(socket, SHUT_RDWR);
  for (std::thread& thread : threads_) thread.join();
}

DashboardPages::HistoryTiming DashboardPages::ask_history(const std::string& request) const {
  asio::io_context io;
  const std::unique_ptr<WebSocket> ws = open_page(io, host_, port_);
  ws->text(true);
  const auto start = std::chrono::steady_clock::now();
  ws->write(asio::buffer(request));
  boost::beast::flat_buffer buffer;
  for (;;) {
    buffer.consume(buffer.size());
    ws->read(buffer);
    const std::string text = boost::beast::buffers_to_string(buffer.data());
    if (text.rfind("{\"type\":\"history\"", 0) != 0) continue;  // status, traces, ROI sets meanwhile
    HistoryTiming timing;
    timing.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    timing.bytes = text.size();
    for (std::size_t at = text.find("\"roi_id\""); at != std::string::npos; at = text.find("\"roi_id\"", at + 1)) {
      ++timing.series;
    }
    const std::size_t frames = text.find("\"frame_index\":\"");
    if (frames != std::string::npos) {
      const std::size_t begin = frames + 15;
      std::size_t length = text.find('"', begin) - begin;  // base64 of 8 bytes a point
      while (length > 0 && text[begin + length - 1] == '=') --length;
      timing.points = length * 3 / 4 / 8;
    }
    const std::size_t error = text.rfind("\"error\":\"");
    if (error != std::string::npos) timing.error = text.substr(error + 9, text.find('"', error + 9) - error - 9);
    boost::system::error_code ignored;
    ws->close(websocket::close_code::normal, ignored);
    return timing;
  }
}

}  // namespace calmon::bench
