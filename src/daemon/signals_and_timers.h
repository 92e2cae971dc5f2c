// signals_and_timers.h — the Asio thread's work: signals and periodic ticks as commands.
//
// SIGINT and SIGTERM become a shutdown command; a steady timer sends a status command
// every status interval and another a snapshot command at the snapshot rate (none at
// 0 Hz). Commands are one byte on the Asio end of the inproc PAIR (command_sender.h) —
// the only ZeroMQ socket this thread touches. Ticks are scheduled on a fixed grid (each
// deadline is the previous one plus the period), so they do not drift; a tick the
// pipeline has not acted on yet merges with the next (pipeline_loop.h).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

#include "daemon/command_sender.h"
#include "daemon/rate_limited_log.h"

namespace calmon::daemon {

class SignalsAndTimers {
 public:
  // `commands` is connected to the pipeline's end of the PAIR and outlives this. A period of zero turns
  // that tick off. Starts waiting at once; the work runs in io.run().
  SignalsAndTimers(boost::asio::io_context& io, CommandSender& commands, std::chrono::nanoseconds status_period,
                   std::chrono::nanoseconds snapshot_period, RateLimitedLog::Sink log);

 private:
  void wait_for_signal();
  void arm(boost::asio::steady_timer& timer, std::chrono::nanoseconds period, Command command);
  void send(Command command);

  CommandSender& commands_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer status_timer_;
  boost::asio::steady_timer snapshot_timer_;
  RateLimitedLog::Sink log_;
  bool shutting_down_ = false;
};

}  // namespace calmon::daemon
