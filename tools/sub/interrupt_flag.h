// interrupt_flag.h — SIGINT and SIGTERM as a flag the display loop checks.
//
// The handlers only set a sig_atomic_t and, installed without SA_RESTART, interrupt a
// blocking poll, so calmon-sub leaves its loop at once and restores the terminal
// (cursor shown, table ended by a newline) instead of dying mid-line.
#pragma once

#include <csignal>

namespace calmon::sub_tool {

class InterruptFlag {
 public:
  InterruptFlag() {
    struct sigaction action {};
    action.sa_handler = &InterruptFlag::handle;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_interrupt_);
    sigaction(SIGTERM, &action, &previous_terminate_);
  }
  ~InterruptFlag() {
    sigaction(SIGINT, &previous_interrupt_, nullptr);
    sigaction(SIGTERM, &previous_terminate_, nullptr);
  }
  InterruptFlag(const InterruptFlag&) = delete;
  InterruptFlag& operator=(const InterruptFlag&) = delete;

  bool raised() const { return raised_ != 0; }

 private:
  static void handle(int) { raised_ = 1; }

  static inline volatile std::sig_atomic_t raised_ = 0;
  struct sigaction previous_interrupt_ {};
  struct sigaction previous_terminate_ {};
};

}  // namespace calmon::sub_tool
