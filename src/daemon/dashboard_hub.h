// dashboard_hub.h — every browser's WebSocket, fed at display rate from the pipeline.
//
// Every kTick (16 ms: a display's refresh, so a 30 Hz microscope's every frame is its
// own batch and a page can show 30 updates a second) the hub takes what the
// pipeline offered since (dashboard_feed.h), encodes it once (dashboard_json.h) and
// queues the same bytes on every connection; projection snapshots go out at most every
// kImagePeriod (2 images a second), the latest one winning. A connection whose write
// has stalled for kStallLimit is closed. The feed is told to collect only while a
// browser is connected. A page's request is forwarded to the pipeline thread over the
// command PAIR with a ticket; the reply comes back by asio::post and goes to the page
// that asked (if it is still there). At most kMaxPendingRequests wait at once. With a
// history (dashboard_history.h), every tick first stores the trace updates and ROI sets
// taken from the feed, whether or not a page is connected, and a page's history request
// is answered here, on this thread, at once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "daemon/command_sender.h"
#include "daemon/dashboard_feed.h"
#include "daemon/dashboard_history.h"
#include "daemon/websocket_client.h"

namespace calmon::daemon {

class DashboardHub final : public WebSocketClient::Events {
 public:
  static constexpr std::chrono::milliseconds kTick{16};
  static constexpr std::chrono::milliseconds kImagePeriod{500};
  static constexpr std::chrono::seconds kStallLimit{10};
  static constexpr std::size_t kMaxPendingRequests = 64;

  // Sets the feed's reply handler, and tells it to collect for the history if
  // history_bytes > 0 (0: no history); `feed` and `commands` outlive the hub.
  DashboardHub(boost::asio::io_context& io, DashboardFeed& feed, CommandSender& commands, std::size_t history_bytes);
  DashboardHub(const DashboardHub&) = delete;
  DashboardHub& operator=(const DashboardHub&) = delete;

  // A WebSocket upgrade request on /ws, with its connection and the connection's slot.
  void adopt(boost::beast::tcp_stream stream, WebSocketClient::Upgrade upgrade, ConnectionSlots::Slot slot);

  void on_request(WebSocketClient& client, std::string text) override;
  void on_closed(WebSocketClient& client) override;

 private:
  void arm();
  void tick();
  void broadcast(MessageKind kind, const std::string& message);
  void on_reply(std::uint64_t ticket, const std::string& reply);

  boost::asio::io_context& io_;
  DashboardFeed& feed_;
  CommandSender& commands_;
  boost::asio::steady_timer timer_;
  std::map<WebSocketClient*, std::shared_ptr<WebSocketClient>> clients_;
  std::map<std::uint64_t, std::weak_ptr<WebSocketClient>> pending_requests_;
  std::uint64_t next_ticket_ = 1;
  std::optional<DashboardHistory> history_;
  std::optional<std::string> unsent_snapshot_;  // serialized, waiting for kImagePeriod
  std::chrono::steady_clock::time_point last_image_{};
};

}  // namespace calmon::daemon
