// daemon.cc — starting and stopping calmond's threads; see the header.
#include "daemon/daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <thread>

#include "core/error.h"
#include "daemon/command_sender.h"
#include "daemon/dashboard_feed.h"
#include "daemon/dashboard_server.h"
#include "daemon/http_endpoint.h"
#include "daemon/daemon_sockets.h"
#include "daemon/log_line.h"
#include "daemon/pipeline_loop.h"
#include "daemon/publish_budget.h"
#include "daemon/socket_publisher.h"
#include "daemon/signals_and_timers.h"
#include "daemon/stream_analyzer.h"
#include "daemon/tee_publisher.h"

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

void log_settings(const DaemonSettings& settings) {
  log_line("analysing channel " + std::to_string(settings.channel) + ", plane " + std::to_string(settings.plane) +
           " with " + (settings.analysis_source.empty() ? "no analysis config (projections only)"
                                                        : "the analysis config of " + settings.analysis_source) +
           "; " + std::to_string(settings.analysis.rois_size()) + " ROIs configured");
}

// The dashboard at settings.http, or none: if it is off, or its default address is busy.
std::unique_ptr<DashboardServer> start_dashboard(boost::asio::io_context& io, const DaemonSettings& settings,
                                                 DashboardFeed& feed, CommandSender& commands) {
  std::unique_ptr<DashboardServer> dashboard;
  if (settings.http.empty()) return dashboard;
  try {
    dashboard = std::make_unique<DashboardServer>(io, parse_http_endpoint(settings.http), settings.web_root, feed,
                                                  commands);
  } catch (const Error& e) {
    if (settings.http_required) throw;
    log_line(std::string(e.what()) + "; running without the dashboard (--http HOST:PORT picks another address)");
  }
  return dashboard;
}

}  // namespace

int run_daemon(const DaemonSettings& settings) {
  // A reader that goes away (a closed log pipe) must not kill the daemon: writes fail instead.
  std::signal(SIGPIPE, SIG_IGN);
  // Before the context: ZeroMQ frees the last published messages when it terminates.
  PublishBudget publish_budget(settings.publish_budget_bytes);
  zmq::context_t context(1);
  DaemonSockets sockets;
  try {
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
  std::unique_ptr<DashboardServer> dashboard;
  try {
    dashboard = start_dashboard(io, settings, feed, commands);
  } catch (const Error& e) {
    log_line(e.what());
    return 1;
  }

  std::printf("%s\n", ready_line(sockets, dashboard ? dashboard->url() : std::string()).c_str());
  std::fflush(stdout);
  log_settings(settings);
  if (dashboard) log_line("dashboard at " + dashboard->url());

  SocketPublisher socket_publisher(sockets.publish, publish_budget, log_line);
  TeePublisher publisher(socket_publisher, feed);
  StreamAnalyzer analyzer(settings, publisher, log_line);
  int status = 0;
  std::thread pipeline = thread_without_signals([&] {
    try {
      PipelineLoop(sockets, analyzer, settings, log_line, dashboard ? &feed : nullptr).run();
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
