// calmon-sub — live ΔF/F₀ of chosen ROIs in the terminal.
//
// Subscribes to calmond's traces, status and ROI sets. On a terminal it shows a small
// table refreshed in place (LiveTable); piped, one plain line per update (PlainLines),
// exact numbers for scripts. ROIs are chosen by name; a name the daemon's ROI set does
// not have is an error listing the names it has. Ends on SIGINT/SIGTERM, and at the end
// of the stream unless --follow.
#include <boost/program_options.hpp>
#include <zmq.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

namespace {

namespace po = boost::program_options;
using namespace calmon::sub_tool;

constexpr const char* kUsage =
    "usage: calmon-sub [--from ENDPOINT] [--roi NAME ...] [--settled] [--rate HZ] [--follow] [--plain]\n"
    "                  [--server-key FILE --client-key FILE]\n"
    "\n"
    "Shows the live ΔF/F₀ calmond publishes: on a terminal a table refreshed in place,\n"
    "otherwise one line per update (frame=.. seq=.. NAME=value ...).\n";

constexpr auto kMaxPollWait = std::chrono::milliseconds(100);
constexpr int kReceiveHighWaterMark = 100'000;

struct Options {
  std::string endpoint;
  std::vector<std::string> rois;
  bool settled = false;
  double rate_hz = 10.0;
  bool follow = false;
  bool plain = false;
  std::string server_key_file;  // CURVE: both or neither
  std::string client_key_file;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "calmon-sub: " << message << "\n" << kUsage;
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  po::options_description named("options");
  // One option per line, which clang-format would run together.
  // clang-format off
  named.add_options()
      ("help,h", "this help")
      ("from", po::value<std::string>()->default_value("tcp://127.0.0.1:5571"), "calmond's publish endpoint")
      ("roi", po::value<std::vector<std::string>>()->composing(), "an ROI to show, by name (repeatable; default: all)")
      ("settled", "show settled ΔF/F₀ too")
      ("rate", po::value<double>()->default_value(10.0), "terminal refreshes per second at most")
      ("follow", "keep going after the end of a stream")
      ("plain", "one line per update even on a terminal")
      ("server-key", po::value<std::string>(), "CURVE: calmond's public key (calmond.key)")
      ("client-key", po::value<std::string>(), "CURVE: this client's key pair (NAME.key_secret)");
  // clang-format on
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(named).run(), values);
    po::notify(values);
  } catch (const po::error& e) {
    usage_error(e.what());
  }
  if (values.count("help")) {
    std::cout << kUsage << "\n" << named;
    std::exit(0);
  }
  Options options;
  options.endpoint = values["from"].as<std::string>();
  if (values.count("roi")) options.rois = values["roi"].as<std::vector<std::string>>();
  options.settled = values.count("settled") > 0;
  options.rate_hz = values["rate"].as<double>();
  if (!(options.rate_hz > 0.0) || options.rate_hz > 1000.0) {
    usage_error("--rate expects a number of refreshes per second in (0, 1000]");
  }
  options.follow = values.count("follow") > 0;
  options.plain = values.count("plain") > 0;
  if (const auto problem =
          calmon::net::curve_client_flags_problem(values.count("server-key") > 0, values.count("client-key") > 0)) {
    usage_error(*problem);
  }
  if (values.count("server-key")) options.server_key_file = values["server-key"].as<std::string>();
  if (values.count("client-key")) options.client_key_file = values["client-key"].as<std::string>();
  return options;
}

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

int run(const Options& options) {
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::sub);
  socket.set(zmq::sockopt::rcvhwm, kReceiveHighWaterMark);
  socket.set(zmq::sockopt::linger, 0);
  const auto curve = calmon::net::load_curve_client_keys(options.server_key_file, options.client_key_file);
  calmon::net::apply_curve_client(socket, curve);
  for (std::string_view topic : {calmon::net::kTracesTopic, calmon::net::kStatusTopic, calmon::net::kRoisTopic}) {
    socket.set(zmq::sockopt::subscribe, topic);
  }
  try {
    socket.connect(options.endpoint);
  } catch (const zmq::error_t& e) {
    throw calmon::Error("cannot connect to '" + options.endpoint + "': " + e.what());
  }

  RoiColumns columns(options.rois);
  std::unique_ptr<Display> display;
  if (!options.plain && isatty(STDOUT_FILENO)) {
    display = std::make_unique<LiveTable>(columns, options.settled, options.rate_hz, options.endpoint, stdout);
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
  const Options options = parse_options(argc, argv);
  try {
    return run(options);
  } catch (const calmon::Error& e) {
    std::cout << std::flush;
    std::cerr << "calmon-sub: " << e.what() << "\n";
    return 2;
  } catch (const zmq::error_t& e) {
    std::cerr << "calmon-sub: ZeroMQ: " << e.what() << "\n";
  }
  return 1;
}
