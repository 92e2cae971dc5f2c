// interrupt_signals.h — SIGINT and SIGTERM as a request to stop, not a kill.
//
// While an InterruptSignals lives, the first SIGINT or SIGTERM only records itself:
// the replay stops sending frames, sends the end of stream and exits with 128 + the
// signal's number (130 for Ctrl-C). The handlers are installed with SA_RESETHAND, so a
// second Ctrl-C finds the default action again and ends the process at once — the way
// out when the end of stream cannot be delivered. No SA_RESTART: a signal interrupts a
// clock_nanosleep or a blocked ZeroMQ send (EINTR) and the replay notices at once.
#pragma once

#include <signal.h>

namespace calmon::replay {

class InterruptSignals {
 public:
  InterruptSignals();
  ~InterruptSignals();  // restores the previous handlers
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

  // The first signal received (SIGINT or SIGTERM), 0 if none.
  static int received();

 private:
  struct sigaction previous_int_{};
  struct sigaction previous_term_{};
};

}  // namespace calmon::replay
