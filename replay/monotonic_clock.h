// monotonic_clock.h — the pacer's clock, and waiting for an absolute deadline on it.
//
// sleep_until() sleeps with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) until
// `spin_ns` before the deadline, then spins on the clock for the rest: the kernel's
// wake-up latency (tens of µs, more under load) lands in the spin instead of in the
// frame's send time. An absolute deadline means a wake-up that comes late does not push
// the next deadline back. With the thread's timer slack set to 1 ns (reduce_timer_slack)
// the kernel does not round the wake-up up by its default 50 µs either.
#pragma once

#include <sys/prctl.h>
#include <time.h>

#include <cerrno>
#include <cstdint>

namespace calmon::replay {

inline std::int64_t monotonic_now_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

enum class WaitResult {
  kReached,      // the clock is at or past the deadline
  kInterrupted,  // a signal arrived first; the caller decides whether to wait again
};

inline WaitResult sleep_until(std::int64_t deadline_ns, std::int64_t spin_ns) {
  const std::int64_t wake_ns = deadline_ns - spin_ns;
  if (monotonic_now_ns() < wake_ns) {
    const timespec wake{static_cast<time_t>(wake_ns / 1'000'000'000), static_cast<long>(wake_ns % 1'000'000'000)};
    if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nullptr) == EINTR) return WaitResult::kInterrupted;
  }
  while (monotonic_now_ns() < deadline_ns) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  return WaitResult::kReached;
}

// Asks the kernel to wake this thread's timed sleeps on time instead of batching them
// up to 50 µs late (the default timer slack). Harmless if refused.
inline void reduce_timer_slack() { prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); }

}  // namespace calmon::replay
