// pipeline_loop.cc — polling, receiving and dispatching on the pipeline thread; see the header.
#include "daemon/pipeline_loop.h"

#include <cerrno>
#include <cstring>
#include <exception>
#include <string_view>

#include "daemon/command.h"
#include "daemon/control_request.h"
#include "net/clock.h"
#include "net/topics.h"

namespace calmon::daemon {

namespace {

// The most a well-formed ingest message takes in the queue: a FrameHeader and the pixels.
std::size_t largest_ingest_message(const DaemonSettings& settings) {
  return settings.max_frame_bytes + kIngestPartAllowance + 2 * IngestQueue::kPartOverhead;
}

}  // namespace

PipelineLoop::PipelineLoop(DaemonSockets& sockets, StreamAnalyzer& analyzer, const DaemonSettings& settings,
                           RateLimitedLog::Sink log, DashboardFeed* dashboard)
    : sockets_(sockets),
      analyzer_(analyzer),
      dashboard_(dashboard),
      errors_(std::move(log)),
      ingest_queue_(settings.ingest_queue_bytes, largest_ingest_message(settings)),
      preparer_(analyzer.analysis(), analyzer.roi_limits()) {
  parts_.reserve(4);
  analyzer_.watch_ingest_queue(&ingest_queue_);
}

void PipelineLoop::keep_roi_sets_in(RoiSetKeeper& keeper) {
  keeper_ = &keeper;
  keeper_->keep(analyzer_.configured_rois());
}

void PipelineLoop::run() {
  zmq::pollitem_t items[] = {
      {sockets_.ingest.handle(), 0, ZMQ_POLLIN, 0},    {sockets_.control.handle(), 0, ZMQ_POLLIN, 0},
      {sockets_.commands.handle(), 0, ZMQ_POLLIN, 0},  {sockets_.publish.handle(), 0, ZMQ_POLLIN, 0},
      {nullptr, preparer_.notify_fd(), ZMQ_POLLIN, 0},
  };
  analyzer_.set_subscribers(0, false);  // until subscriptions arrive
  while (!analyzer_.shutdown_requested()) {
    items[1].events = preparer_.busy() ? 0 : ZMQ_POLLIN;  // one request at a time
    try {
      // With frames waiting, only look; otherwise sleep until something arrives.
      zmq::poll(items, 5, std::chrono::milliseconds(ingest_queue_.empty() ? -1 : 0));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      throw;
    }
    if (items[3].revents & ZMQ_POLLIN) drain_subscriptions();
    if (items[2].revents & ZMQ_POLLIN) drain_commands();
    if (items[4].revents & ZMQ_POLLIN) answer_prepared_request();
    if ((items[1].revents & ZMQ_POLLIN) && !preparer_.busy()) receive_control();
    start_next_dashboard_request();
    if (analyzer_.shutdown_requested()) break;
    receive_ingest();
    process_next_frame();
    do_due_work();
  }
  refuse_unanswered("calmond is shutting down; the request was not carried out");
}

// Moves every message ZeroMQ has into the ingest queue, while it has room.
void PipelineLoop::receive_ingest() {
  while (ingest_queue_.has_room() && net::receive_multipart(sockets_.ingest, ingest_queue_.back_parts())) {
    ingest_queue_.push_back(net::now_ns());
  }
}

void PipelineLoop::process_next_frame() {
  if (ingest_queue_.empty()) return;
  IngestQueue::Entry& next = ingest_queue_.front();
  try {
    analyzer_.on_ingest_message(next.parts, next.receive_time_ns);
  } catch (const std::exception& e) {  // a bug, not bad input: log it, keep serving
    errors_.write("internal_error", std::string("internal error on an ingest message: ") + e.what(), Clock::now());
  }
  ingest_queue_.pop_front();  // and with it the previous frame's parts, now done with
}

void PipelineLoop::receive_control() {
  if (!receive_message(sockets_.control)) return;
  if (parts_.size() != 1) {
    const bool json = parts_[0].size() > 0 && *parts_[0].data<char>() == '{';
    const std::string reply =
        control_error_reply(json, "malformed control request: " + std::to_string(parts_.size()) + " parts, expected 1");
    (void)sockets_.control.send(zmq::buffer(reply), zmq::send_flags::dontwait);
    return;
  }
  asker_ = Asker{true, 0, parts_[0].size() > 0 && *parts_[0].data<char>() == '{'};
  preparer_.submit(std::move(parts_[0]), analyzer_.roi_geometry(), analyzer_.roi_base());
}

void PipelineLoop::answer_prepared_request() {
  std::optional<ParsedRequest> request = preparer_.take();
  if (!request) return;
  const bool changes_rois = request->error.empty() && changes_roi_set(request->request);
  RoiSetBase base = analyzer_.roi_base();
  if (changes_rois && (request->prepared_for != analyzer_.roi_geometry() || request->prepared_base != base.layout)) {
    // The frames or the set changed meanwhile (a session started, restarted or ended):
    // what was prepared, or found wrong, was for others.
    preparer_.submit_again(std::move(*request), analyzer_.roi_geometry(), std::move(base));
    return;
  }
  std::string reply;
  const std::uint32_t version = analyzer_.roi_set_version();
  try {
    reply = answer_control_request(std::move(*request), analyzer_);
  } catch (const std::exception& e) {  // a bug: the asker still gets an answer
    reply = control_error_reply(request->json, std::string("internal error: ") + e.what());
  }
  if (keeper_ && analyzer_.roi_set_version() != version) keeper_->keep(analyzer_.configured_rois());
  deliver(reply);
}

// The reply goes to whoever asked; the next request may then be prepared.
void PipelineLoop::deliver(const std::string& reply) {
  if (!asker_) return;
  if (asker_->control) {
    (void)sockets_.control.send(zmq::buffer(reply), zmq::send_flags::dontwait);
  } else if (dashboard_) {
    dashboard_->reply(asker_->ticket, reply);
  }
  asker_.reset();
}

void PipelineLoop::refuse_unanswered(const std::string& why) {
  if (asker_) deliver(control_error_reply(asker_->json, why));
  while (!dashboard_requests_.empty()) {
    if (dashboard_) dashboard_->reply(dashboard_requests_.front().ticket, control_error_reply(true, why));
    dashboard_requests_.pop_front();
  }
}

void PipelineLoop::drain_commands() {
  while (receive_message(sockets_.commands)) {
    if (parts_[0].size() != 1) continue;
    switch (static_cast<Command>(*parts_[0].data<std::uint8_t>())) {
      case Command::kDashboardRequest: queue_dashboard_request(); break;
      case Command::kStatus:
        if (!status_due_since_) status_due_since_ = Clock::now();
        break;
      case Command::kSnapshot:
        if (!snapshot_due_since_) snapshot_due_since_ = Clock::now();
        break;
      case Command::kShutdown: analyzer_.shutdown(); break;
    }
  }
}

void PipelineLoop::queue_dashboard_request() {
  if (!dashboard_ || parts_.size() != 3 || parts_[1].size() != sizeof(std::uint64_t)) return;
  std::uint64_t ticket = 0;
  std::memcpy(&ticket, parts_[1].data(), sizeof ticket);
  dashboard_requests_.push_back(DashboardRequest{ticket, std::move(parts_[2])});
}

void PipelineLoop::start_next_dashboard_request() {
  if (preparer_.busy() || dashboard_requests_.empty()) return;
  asker_ = Asker{false, dashboard_requests_.front().ticket, true};
  preparer_.submit(std::move(dashboard_requests_.front().request), analyzer_.roi_geometry(), analyzer_.roi_base());
  dashboard_requests_.pop_front();
}

// A subscriber that joins mid-stream gets the ROI set at once, so it can name the
// columns of its very first TraceUpdate instead of waiting for the next Status.
void PipelineLoop::drain_subscriptions() {
  bool needs_roi_names = false;
  while (receive_message(sockets_.publish)) {
    const void* data = parts_[0].data();
    const std::size_t size = parts_[0].size();
    subscriptions_.on_message(data, size);
    needs_roi_names = needs_roi_names || SubscriptionCounter::subscribes_to(data, size, net::kTracesTopic) ||
                      SubscriptionCounter::subscribes_to(data, size, net::kRoisTopic);
  }
  update_subscribers();
  if (needs_roi_names) analyzer_.republish_roi_set();
}

void PipelineLoop::update_subscribers() {
  const bool page_watches = dashboard_ && dashboard_->watching();
  analyzer_.set_subscribers(subscriptions_.active(), subscriptions_.wanted(net::kProjectionsTopic) || page_watches);
}

bool PipelineLoop::ingest_pending() {
  return !ingest_queue_.empty() || (sockets_.ingest.get(zmq::sockopt::events) & ZMQ_POLLIN) != 0;
}

void PipelineLoop::do_due_work() {
  if (!status_due_since_ && !snapshot_due_since_) return;
  const Clock::time_point now = Clock::now();
  const auto overdue = [&](const std::optional<Clock::time_point>& since) {
    return since && now - *since >= kMaxDeferral;
  };
  if (!overdue(status_due_since_) && !overdue(snapshot_due_since_) && ingest_pending()) return;
  try {
    if (status_due_since_) analyzer_.on_status_tick();
    if (snapshot_due_since_) {
      update_subscribers();  // a page may have connected since
      analyzer_.on_snapshot_tick();
    }
  } catch (const std::exception& e) {
    errors_.write("internal_error", std::string("internal error in periodic work: ") + e.what(), now);
  }
  status_due_since_.reset();
  snapshot_due_since_.reset();
}

}  // namespace calmon::daemon
