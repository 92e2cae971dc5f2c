// websocket_client.h — one browser's WebSocket on the dashboard: its queue, reads and writes.
//
// Lives on the Asio thread, kept alive by its own pending operations (shared_from_this)
// and by the hub's list. Writes one message at a time from its SendQueue, so a slow
// browser only ever has a bounded backlog; a push the queue calls hopeless, a write
// stalled for too long, or any read or write error closes the TCP connection at once
// and tells the hub (Events::on_closed, exactly once). Text messages the browser sends
// go to the hub as they come (Events::on_request). Holds its connection's slot
// (connection_slots.h) until it is destroyed.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <memory>
#include <string>

#include "daemon/connection_slots.h"
#include "daemon/send_queue.h"

namespace calmon::daemon {

class WebSocketClient : public std::enable_shared_from_this<WebSocketClient> {
 public:
  class Events {
   public:
    virtual ~Events() = default;
    virtual void on_request(WebSocketClient& client, std::string text) = 0;
    virtual void on_closed(WebSocketClient& client) = 0;
  };
  using Upgrade = boost::beast::http::request<boost::beast::http::string_body>;

  WebSocketClient(boost::beast::tcp_stream stream, Events& events, ConnectionSlots::Slot slot);
  // Completes the handshake of `upgrade`, then reads and writes until closed.
  void start(Upgrade upgrade);
  void send(MessageKind kind, SendQueue::Payload payload);
  void close_if_stalled(SendQueue::Clock::time_point now, SendQueue::Clock::duration limit);
  void close(const char* why);
  bool closed() const { return closed_; }

 private:
  void read();
  void write_next();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer read_buffer_;
  SendQueue queue_;
  SendQueue::Payload writing_;  // kept alive while its write is in flight
  Events& events_;
  ConnectionSlots::Slot slot_;
  bool open_ = false;
  bool closed_ = false;
};

}  // namespace calmon::daemon
