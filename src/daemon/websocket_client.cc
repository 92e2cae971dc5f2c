// websocket_client.cc — handshake, read loop and one-at-a-time writes; see the header.
#include "daemon/websocket_client.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include "daemon/dashboard_json.h"

namespace calmon::daemon {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

WebSocketClient::WebSocketClient(beast::tcp_stream stream, Events& events, ConnectionSlots::Slot slot)
    : ws_(std::move(stream)), events_(events), slot_(std::move(slot)) {}

void WebSocketClient::start(Upgrade upgrade) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts from here
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(kMaxDashboardRequestBytes);
  ws_.async_accept(upgrade, [self = shared_from_this()](beast::error_code error) {
    if (error) return self->close("handshake failed");
    self->open_ = true;
    self->read();
    self->write_next();
  });
}

void WebSocketClient::send(MessageKind kind, SendQueue::Payload payload) {
  if (closed_) return;
  if (!queue_.push(kind, std::move(payload))) return close("too far behind");
  if (open_) write_next();
}

void WebSocketClient::close_if_stalled(SendQueue::Clock::time_point now, SendQueue::Clock::duration limit) {
  if (queue_.stalled(now, limit)) close("write stalled");
}

void WebSocketClient::close(const char* /*why*/) {
  if (closed_) return;
  closed_ = true;
  const auto keep_alive = shared_from_this();  // the hub drops its reference in on_closed
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
  events_.on_closed(*this);
}

void WebSocketClient::read() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code error, std::size_t) {
    if (self->closed_) return;
    if (error) return self->close("read failed");
    std::string text = beast::buffers_to_string(self->read_buffer_.data());
    self->read_buffer_.consume(self->read_buffer_.size());
    self->events_.on_request(*self, std::move(text));
    self->read();
  });
}

void WebSocketClient::write_next() {
  if (closed_) return;
  SendQueue::Payload next = queue_.start_next(SendQueue::Clock::now());
  if (!next) return;
  writing_ = std::move(next);
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*writing_), [self = shared_from_this()](beast::error_code error, std::size_t) {
    self->queue_.finish_current();
    self->writing_.reset();
    if (self->closed_) return;
    if (error) return self->close("write failed");
    self->write_next();
  });
}

}  // namespace calmon::daemon
