// stop_signals.h — SIGINT and SIGTERM as a request to stop, not a kill: the one flag.
//
// While a StopSignals lives, SIGINT and SIGTERM only record themselves in a
// sig_atomic_t (all a handler may safely do) and the program's loop looks at it, so it
// can end cleanly: close its files, restore the terminal, send the end of stream. The
// handlers are installed without SA_RESTART, so a signal interrupts a blocking poll,
// sleep or send (EINTR) and the loop notices at once. What a second signal does is the
// program's choice (Repeat). The previous handlers come back when it is destroyed.
// Here rather than in core, which has no signals; net is the lowest layer every
// program, calmon-replay included, already links.
#pragma once

#include <signal.h>

namespace calmon::net {

class StopSignals {
 public:
  // What a second SIGINT or SIGTERM does.
  enum class Repeat {
    kIgnore,         // nothing more: the stop is under way (calmon-record, calmon-sub)
    kDefaultAction,  // SA_RESETHAND: the signal's default action ends the process at once,
                     // the way out when stopping cleanly hangs (calmon-replay)
  };

  explicit StopSignals(Repeat repeat);
  ~StopSignals();  // restores the previous handlers
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The first signal received (SIGINT or SIGTERM) since construction, 0 if none.
  static int received();
  static bool requested() { return received() != 0; }

 private:
  struct sigaction previous_interrupt_ {};
  struct sigaction previous_terminate_ {};
};

}  // namespace calmon::net
