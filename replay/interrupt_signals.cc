// interrupt_signals.cc — the async-signal-safe part: one flag; see the header.
#include "replay/interrupt_signals.h"

#include <csignal>

namespace calmon::replay {
namespace {

volatile std::sig_atomic_t received_signal = 0;

void note_signal(int signal_number) {
  if (received_signal == 0) received_signal = signal_number;
}

}  // namespace

InterruptSignals::InterruptSignals() {
  received_signal = 0;
  struct sigaction action {};
  action.sa_handler = &note_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
}

InterruptSignals::~InterruptSignals() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

int InterruptSignals::received() { return received_signal; }

}  // namespace calmon::replay
