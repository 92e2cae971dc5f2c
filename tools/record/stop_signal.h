// stop_signal.h — SIGINT and SIGTERM turned into a flag the receive loop checks.
//
// While a StopSignals lives, the two signals set a flag instead of killing the process
// (the handler does nothing else, as a handler must), and interrupt a blocking poll
// (no SA_RESTART), so the recorder stops within one poll and closes its files properly.
// The previous handlers come back when it is destroyed.
#pragma once

#include <csignal>

namespace calmon::record_tool {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  bool requested() const;

 private:
  struct sigaction previous_interrupt_ {};
  struct sigaction previous_terminate_ {};
};

}  // namespace calmon::record_tool
