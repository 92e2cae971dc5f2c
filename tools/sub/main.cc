// calmon-sub — live ΔF/F₀ of chosen ROIs in the terminal.
//
// Subscribes to calmond's traces, status and ROI sets. On a terminal it shows a small
// table refreshed in place (LiveTable); piped, one plain line per update (PlainLines),
// exact numbers for scripts. ROIs are chosen by name; a name the daemon's ROI set does
// not have is an error listing the names it has. Ends on SIGINT/SIGTERM, and at the end
// of the stream unless --follow.
#include <zmq.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "calmon/wire.pb.h"
#include "core/error.h"
#include "live_table.h"
#include "net/curve_client.h"
#include "net/multipart.h"
#include "net/stop_signals.h"
#include "net/topics.h"
#include "plain_lines.h"
#include "roi_columns.h"
#include "sub_options.h"

namespace {

using namespace calmon::sub_tool;

constexpr auto kMaxPollWait = std::chrono::milliseconds(100);
constexpr int kReceiveHighWaterMark = 100'000;

template <class Message> bool parse(Message& message, const zmq::message_t& payload) {
  return message.ParseFromArray(payload.data(), static_cast<int>(payload.size()));
}

// Receives one [topic][payload] message if one is there; false if none is.
bool receive(zmq::socket_t& socket, std::vector<zmq::message_t>& parts, std::string& topic, zmq::message_t& payload) {
  if (!calmon::net::receive_multipart(socket, parts)) return false;
  topic.clear();  // not [topic][payload]: ignored
  if (parts.size() == 2) {
    topic = parts[0].to_string();
    payload = std::move(parts[1]);
  }
  return true;
}

int run(const SubOptions& options) {
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::sub);
  socket.set(zmq::sockopt::rcvhwm, kReceiveHighWaterMark);
  socket.set(zmq::sockopt::linger, 0);
  calmon::net::apply_curve_client(socket, options.subscriber.load_curve_keys());
  for (std::string_view topic : {calmon::net::kTracesTopic, calmon::net::kStatusTopic, calmon::net::kRoisTopic}) {
    socket.set(zmq::sockopt::subscribe, topic);
  }
  try {
    socket.connect(options.subscriber.endpoint);
  } catch (const zmq::error_t& e) {
    throw calmon::Error("cannot connect to '" + options.subscriber.endpoint + "': " + e.what());
  }

  RoiColumns columns(options.rois);
  std::unique_ptr<Display> display;
  if (!options.plain && isatty(STDOUT_FILENO)) {
    display =
        std::make_unique<LiveTable>(columns, options.settled, options.rate_hz, options.subscriber.endpoint, stdout);
  } else {
    display = std::make_unique<PlainLines>(columns, options.settled, stdout);
  }
  const calmon::net::StopSignals interrupt(calmon::net::StopSignals::Repeat::kIgnore);
  bool names_checked = false;
  bool ended = false;
  auto wait = kMaxPollWait;
  std::vector<zmq::message_t> parts;  // keeps its capacity from message to message
  std::string topic;
  zmq::message_t payload;
  while (!interrupt.requested() && !ended) {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, wait);
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
    while (!ended && receive(socket, parts, topic, payload)) {
      if (topic == calmon::net::kRoisTopic) {
        calmon::pb::RoiSetInfo info;
        if (!parse(info, payload)) continue;
        if (!names_checked) {
          columns.check_names(info);  // the user's mistake: throws before anything is shown
          names_checked = true;
        }
        for (const std::string& note : columns.on_roi_set(info)) std::cerr << "calmon-sub: " << note << "\n";
        display->on_roi_set(info);
      } else if (topic == calmon::net::kStatusTopic) {
        calmon::pb::Status status;
        if (parse(status, payload)) display->on_status(status);
      } else if (topic == calmon::net::kTracesTopic) {
        calmon::pb::TraceUpdate update;
        if (!parse(update, payload)) continue;
        display->on_update(update);
        ended = update.end_of_stream() && !options.follow;
      }
    }
    const auto until_due = display->refresh(std::chrono::steady_clock::now());
    wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until_due), std::chrono::milliseconds(1),
                      kMaxPollWait);
  }
  display->finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const SubOptions options = parse_sub_options(argc, argv);
  // 2 for a calmon::Error: the user's mistake (an ROI name the set lacks, a key file).
  return kSubCommandLine.run([&] { return run(options); }, 2);
}
