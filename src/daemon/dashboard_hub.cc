// dashboard_hub.cc — fan-out at display rate, requests and replies; see the header.
#include "daemon/dashboard_hub.h"

#include <boost/asio/post.hpp>

#include <vector>

#include "daemon/dashboard_json.h"

namespace calmon::daemon {

DashboardHub::DashboardHub(boost::asio::io_context& io, DashboardFeed& feed, CommandSender& commands,
                           std::size_t history_bytes)
    : io_(io), feed_(feed), commands_(commands), timer_(io) {
  if (history_bytes > 0) history_.emplace(history_bytes);
  feed_.set_history(history_.has_value());
  feed_.set_reply_handler([this](std::uint64_t ticket, std::string reply) {
    boost::asio::post(io_, [this, ticket, reply = std::move(reply)] { on_reply(ticket, reply); });
  });
  timer_.expires_after(kTick);
  arm();
}

void DashboardHub::adopt(boost::beast::tcp_stream stream, WebSocketClient::Upgrade upgrade,
                         ConnectionSlots::Slot slot) {
  auto client = std::make_shared<WebSocketClient>(std::move(stream), *this, std::move(slot));
  clients_.emplace(client.get(), client);
  feed_.set_watching(true);
  client->start(std::move(upgrade));
}

void DashboardHub::on_closed(WebSocketClient& client) {
  clients_.erase(&client);
  if (clients_.empty()) feed_.set_watching(false);
}

void DashboardHub::on_request(WebSocketClient& client, std::string text) {
  const auto found = clients_.find(&client);
  if (found == clients_.end()) return;
  const auto refuse = [&client](const std::string& error) {
    client.send(MessageKind::kReply, std::make_shared<const std::string>(encode_error_reply(error)));
  };
  if (!looks_like_request(text)) return refuse("malformed control request: expected one JSON object");
  if (is_history_request(text)) {
    std::string answer;
    if (history_) {
      answer = history_->answer(text);
    } else {
      HistoryAnswer none;
      none.error = "calmond keeps no history (--dashboard-history-mib 0)";
      answer = encode_history(none, 0.0);
    }
    client.send(MessageKind::kHistory, std::make_shared<const std::string>(answer));
    return;
  }
  if (pending_requests_.size() >= kMaxPendingRequests) return refuse("busy: too many requests waiting");
  const std::uint64_t ticket = next_ticket_++;
  if (!commands_.send_request(ticket, text)) return refuse("the pipeline is not keeping up");
  pending_requests_.emplace(ticket, found->second);
}

void DashboardHub::on_reply(std::uint64_t ticket, const std::string& reply) {
  const auto found = pending_requests_.find(ticket);
  if (found == pending_requests_.end()) return;
  const std::shared_ptr<WebSocketClient> client = found->second.lock();
  pending_requests_.erase(found);
  if (client) client->send(MessageKind::kReply, std::make_shared<const std::string>(encode_reply(reply)));
}

void DashboardHub::arm() {
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    tick();
    timer_.expires_at(timer_.expiry() + kTick);
    if (timer_.expiry() < std::chrono::steady_clock::now()) timer_.expires_after(kTick);
    arm();
  });
}

void DashboardHub::tick() {
  DashboardFeed::Batch batch = feed_.take();
  const auto now = std::chrono::steady_clock::now();
  if (history_) {
    for (const std::string& rois : batch.roi_sets) history_->add_roi_set(rois);
    for (const std::string& update : batch.traces) history_->add_trace_update(update);
  }
  if (batch.projections) unsent_snapshot_ = std::move(batch.projections);
  if (clients_.empty()) {
    unsent_snapshot_.reset();
    return;
  }
  if (!batch.roi_sets.empty()) broadcast(MessageKind::kRois, encode_rois(batch.roi_sets.back()));
  if (!batch.traces.empty() || batch.dropped_traces > 0) {
    broadcast(MessageKind::kTraces, encode_trace_batch(batch.traces, batch.dropped_traces));
  }
  if (batch.status) broadcast(MessageKind::kStatus, encode_status(*batch.status, clients_.size()));
  if (unsent_snapshot_ && now - last_image_ >= kImagePeriod) {
    broadcast(MessageKind::kImages, encode_images(*unsent_snapshot_));
    unsent_snapshot_.reset();
    last_image_ = now;
  }
  std::vector<std::shared_ptr<WebSocketClient>> clients;
  for (const auto& [_, client] : clients_) clients.push_back(client);
  for (const auto& client : clients) client->close_if_stalled(now, kStallLimit);
}

void DashboardHub::broadcast(MessageKind kind, const std::string& message) {
  const auto payload = std::make_shared<const std::string>(message);
  std::vector<std::shared_ptr<WebSocketClient>> clients;  // send may close one, changing clients_
  for (const auto& [_, client] : clients_) clients.push_back(client);
  for (const auto& client : clients) client->send(kind, payload);
}

}  // namespace calmon::daemon
