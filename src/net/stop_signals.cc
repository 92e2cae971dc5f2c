// stop_signals.cc — the async-signal-safe part: one flag; see the header.
#include "net/stop_signals.h"

#include <csignal>

namespace calmon::net {
namespace {

volatile std::sig_atomic_t received_signal = 0;

extern "C" void note_signal(int signal_number) {
  if (received_signal == 0) received_signal = signal_number;
}

}  // namespace

StopSignals::StopSignals(Repeat repeat) {
  received_signal = 0;
  struct sigaction action {};
  action.sa_handler = &note_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = repeat == Repeat::kDefaultAction ? SA_RESETHAND : 0;  // never SA_RESTART
  sigaction(SIGINT, &action, &previous_interrupt_);
  sigaction(SIGTERM, &action, &previous_terminate_);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &previous_interrupt_, nullptr);
  sigaction(SIGTERM, &previous_terminate_, nullptr);
}

int StopSignals::received() { return received_signal; }

}  // namespace calmon::net
