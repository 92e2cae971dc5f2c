// signals_and_timers.cc — Asio signal and timer handlers sending commands; see the header.
#include "daemon/signals_and_timers.h"

#include <csignal>
#include <string>

namespace calmon::daemon {

SignalsAndTimers::SignalsAndTimers(boost::asio::io_context& io, CommandSender& commands,
                                   std::chrono::nanoseconds status_period, std::chrono::nanoseconds snapshot_period,
                                   RateLimitedLog::Sink log)
    : commands_(commands), signals_(io, SIGINT, SIGTERM), status_timer_(io), snapshot_timer_(io), log_(std::move(log)) {
  wait_for_signal();
  const auto now = std::chrono::steady_clock::now();
  if (status_period.count() > 0) {
    status_timer_.expires_at(now + status_period);
    arm(status_timer_, status_period, Command::kStatus);
  }
  if (snapshot_period.count() > 0) {
    snapshot_timer_.expires_at(now + snapshot_period);
    arm(snapshot_timer_, snapshot_period, Command::kSnapshot);
  }
}

void SignalsAndTimers::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;  // cancelled: the daemon is stopping
    const std::string name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : std::to_string(signal);
    if (shutting_down_) {
      log_("received " + name + " again: already shutting down");
    } else {
      log_("received " + name);
      shutting_down_ = true;
      send(Command::kShutdown);
    }
    wait_for_signal();
  });
}

void SignalsAndTimers::arm(boost::asio::steady_timer& timer, std::chrono::nanoseconds period, Command command) {
  timer.async_wait([this, &timer, period, command](const boost::system::error_code& error) {
    if (error) return;
    send(command);
    // On the grid; after a stall (a suspended machine) the grid starts again from now.
    const auto now = std::chrono::steady_clock::now();
    const auto next = timer.expiry() + period;
    timer.expires_at(next > now ? next : now + period);
    arm(timer, period, command);
  });
}

void SignalsAndTimers::send(Command command) {
  // Never blocks the Asio thread; a PAIR queue of 1000 commands full means the pipeline
  // is stuck, and then one more tick does not matter. A shutdown is retried by the user.
  if (!commands_.send(command)) {
    log_("command queue full: the pipeline thread is not keeping up");
  }
}

}  // namespace calmon::daemon
