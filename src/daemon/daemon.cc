// daemon.cc — starting and stopping calmond's threads; see the header.
#include "daemon/daemon.h"

#include <pthread.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <optional>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "daemon/command_sender.h"
#include "daemon/daemon_sockets.h"
#include "daemon/dashboard_feed.h"
#include "daemon/dashboard_server.h"
#include "daemon/http_endpoint.h"
#include "daemon/http_refusals.h"
#include "daemon/log_line.h"
#include "daemon/pipeline_loop.h"
#include "daemon/protected_mode.h"
#include "daemon/publish_budget.h"
#include "daemon/publisher.h"
#include "daemon/random_token.h"
#include "daemon/roi_set_keeper.h"
#include "daemon/signals_and_timers.h"
#include "daemon/socket_publisher.h"
#include "daemon/stream_analyzer.h"
#include "daemon/tee_publisher.h"
#include "daemon/zap_handler.h"

namespace calmon::daemon {

namespace {

std::chrono::nanoseconds period_of(double seconds) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
}

// Starts a thread that never receives SIGINT or SIGTERM: they go to the Asio thread,
// and a signal cannot interrupt the pipeline thread's poll.
template <class Function> std::thread thread_without_signals(Function function) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  std::thread thread(std::move(function));
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return thread;
}

// The names of the sockets that are CURVE servers.
std::vector<std::string> curve_server_sockets(const DaemonSettings& settings) {
  std::vector<std::string> names;
  if (settings.ingest_mode == DaemonSettings::IngestMode::kPull) names.push_back("ingest");
  names.push_back("publish");
  names.push_back("control");
  return names;
}

void log_settings(const DaemonSettings& settings) {
  if (settings.curve_keys) {
    log_line("CURVE on: " + std::to_string(settings.authorized_client_keys.size()) + " client key" +
             (settings.authorized_client_keys.size() == 1 ? "" : "s") + " authorized (from " +
             settings.curve_authorized_keys + "); server key " + settings.curve_keys->public_key);
  }
  log_line("analysing channel " + std::to_string(settings.channel) + ", plane " + std::to_string(settings.plane) +
           " with " +
           (settings.analysis_source.empty() ? "no analysis config (projections only)"
                                             : "the analysis config of " + settings.analysis_source) +
           "; " + std::to_string(settings.analysis.rois_size()) + " ROIs " +
           (settings.rois_origin.empty() ? "configured" : settings.rois_origin));
  for (const std::string& warning : settings.start_warnings) log_line(warning);
}

// The token the dashboard asks for: the one configured, a new random one for "auto"
// on the network, or none.
std::string dashboard_token(const DaemonSettings& settings) {
  switch (settings.http_token_mode) {
    case DaemonSettings::HttpTokenMode::kFixed: return settings.http_token;
    case DaemonSettings::HttpTokenMode::kAuto: return dashboard_on_network(settings) ? random_token() : "";
    case DaemonSettings::HttpTokenMode::kNone: return "";
  }
  return "";
}

DashboardOptions dashboard_options(const DaemonSettings& settings) {
  const double idle_ms = std::min(settings.http_idle_timeout_s, 86400.0) * 1000.0;
  return {.endpoint = parse_http_endpoint(settings.http),
          .web_root = settings.web_root,
          .token = dashboard_token(settings),
          .allowed_hosts = settings.http_allowed_hosts,
          .max_connections = settings.http_max_connections,
          .idle_timeout = std::chrono::milliseconds(std::max<std::int64_t>(1, std::llround(idle_ms))),
          .history_bytes = settings.dashboard_history_bytes};
}

// The dashboard at settings.http, or none: if it is off, or its default address is busy.
std::unique_ptr<DashboardServer> start_dashboard(boost::asio::io_context& io, const DaemonSettings& settings,
                                                 DashboardFeed& feed, CommandSender& commands,
                                                 HttpRefusalCounters& refusals) {
  std::unique_ptr<DashboardServer> dashboard;
  if (settings.http.empty()) return dashboard;
  try {
    dashboard = std::make_unique<DashboardServer>(io, dashboard_options(settings), feed, commands, refusals, log_line);
  } catch (const Error& e) {
    if (settings.http_required) throw;
    log_line(std::string(e.what()) + "; running without the dashboard (--http HOST:PORT picks another address)");
  }
  return dashboard;
}

// Where the dashboard is — the only line that shows a token calmond made; one the user
// gave is not repeated in the log.
void log_dashboard(const DashboardServer& dashboard, const DaemonSettings& settings) {
  const bool given = settings.http_token_mode == DaemonSettings::HttpTokenMode::kFixed;
  const auto shown = [&](std::string url) {
    if (given) url.replace(url.find("?token=") + 7, std::string::npos, "...");
    return url;
  };
  log_line("dashboard at " + shown(dashboard.url()) +
           (dashboard.remote_url().empty() ? "" : " (from other machines: " + shown(dashboard.remote_url()) + ")") +
           (given ? " with the token given by --http-token or --http-token-file" : ""));
}

}  // namespace

int run_daemon(const DaemonSettings& settings) {
  // A reader that goes away (a closed log pipe) must not kill the daemon: writes fail instead.
  std::signal(SIGPIPE, SIG_IGN);
  const ProtectedMode protected_mode = check_protected_mode(settings);
  if (!protected_mode.line.empty()) log_line(protected_mode.line);
  if (protected_mode.refuse) return 1;
  // Before the context: ZeroMQ frees the last published messages when it terminates.
  PublishBudget publish_budget(settings.publish_budget_bytes);
  zmq::context_t context(1);
  // Bound before the CURVE sockets, stopped after they are closed (declared before them).
  std::unique_ptr<ZapHandler> zap;
  DaemonSockets sockets;
  try {
    if (settings.curve_keys) {
      zap = std::make_unique<ZapHandler>(context, settings.authorized_client_keys, curve_server_sockets(settings),
                                         log_line);
    }
    sockets = open_daemon_sockets(context, settings);
  } catch (const Error& e) {
    log_line(e.what());
    return 1;
  } catch (const zmq::error_t& e) {
    log_line(std::string("cannot set up the sockets: ") + e.what());
    return 1;
  }
  CommandSender commands(context);

  boost::asio::io_context io;
  const std::chrono::nanoseconds snapshot_period =
      settings.snapshot_hz > 0.0 ? period_of(1.0 / settings.snapshot_hz) : std::chrono::nanoseconds(0);
  SignalsAndTimers signals_and_timers(io, commands, period_of(settings.status_interval_s), snapshot_period, log_line);
  DashboardFeed feed;
  HttpRefusalCounters http_refusals;
  std::unique_ptr<DashboardServer> dashboard;
  try {
    dashboard = start_dashboard(io, settings, feed, commands, http_refusals);
  } catch (const Error& e) {
    log_line(e.what());
    return 1;
  }

  std::printf("%s\n", ready_line(sockets, dashboard ? dashboard->url() : std::string(),
                                 dashboard ? dashboard->token() : std::string())
                          .c_str());
  std::fflush(stdout);
  log_settings(settings);
  if (dashboard) log_dashboard(*dashboard, settings);

  SocketPublisher socket_publisher(sockets.publish, publish_budget, log_line);
  TeePublisher publisher(socket_publisher, feed);
  StreamAnalyzer analyzer(settings, publisher, log_line);
  analyzer.add_status_filler([&http_refusals](pb::Status& status) { http_refusals.fill(status); });
  if (zap) {
    analyzer.add_status_filler([&zap](pb::Status& status) {
      for (const auto& [socket, count] : zap->refusals().counts()) (*status.mutable_auth_refused())[socket] = count;
    });
  }
  std::optional<RoiSetKeeper> keeper;  // outlives the pipeline thread: writes the last set at exit
  if (!settings.state_dir.empty()) {
    try {
      keeper.emplace(settings.state_dir, log_line);
    } catch (const Error& e) {
      log_line(e.what());
      return 1;
    }
  }
  int status = 0;
  std::thread pipeline = thread_without_signals([&] {
    try {
      PipelineLoop loop(sockets, analyzer, settings, log_line, dashboard ? &feed : nullptr);
      if (keeper) loop.keep_roi_sets_in(*keeper);
      loop.run();
    } catch (const std::exception& e) {
      log_line(std::string("pipeline thread failed: ") + e.what());
      status = 1;
    }
    // Closing here, on the owning thread; the publish socket lingers to deliver the end.
    sockets.ingest.close();
    sockets.control.close();
    sockets.commands.close();
    sockets.publish.close();
    boost::asio::post(io, [&io] { io.stop(); });
  });
  io.run();
  pipeline.join();
  log_line(status == 0 ? "shut down" : "stopped after a failure");
  return status;
}

}  // namespace calmon::daemon
