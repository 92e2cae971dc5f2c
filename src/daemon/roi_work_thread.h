// roi_work_thread.h — a second thread for a frame's ROI work, so a paced frame uses both cores.
//
// A WorkSharing (core/work_sharing.h) of two parts. run() publishes the work and wakes
// the thread; then the calling thread and this one each claim the next unclaimed part
// from one atomic counter until none is left, and run() returns when every claimed part
// is done. No locks: an atomic counter hands out the parts, another counts them done,
// and the thread sleeps on an atomic (a futex) between frames. The caller never waits
// for the thread to wake: if it is slow (its core busy with the projections, say), the
// caller claims both parts and runs them itself, so sharing can only save time, never
// delay a frame by more than the hand-over. After a run the thread spins a little
// (kSpin) before sleeping, to catch the next step of the same frame at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>

#include "core/work_sharing.h"

namespace calmon::daemon {

class RoiWorkThread final : public WorkSharing {
 public:
  static constexpr std::size_t kParts = 2;
  static constexpr std::chrono::microseconds kSpin{100};

  RoiWorkThread();
  ~RoiWorkThread() override;
  RoiWorkThread(const RoiWorkThread&) = delete;
  RoiWorkThread& operator=(const RoiWorkThread&) = delete;

  std::size_t parts() const override { return kParts; }
  void run(const std::function<void(std::size_t)>& work) override;

  // Parts the thread ran, of all runs so far (a test's proof that it took part).
  std::uint64_t parts_run_by_thread() const { return thread_parts_.load(std::memory_order_relaxed); }

 private:
  void loop();
  // Claims and runs parts until none is left; how many it ran.
  std::size_t claim_and_run();

  std::atomic<const std::function<void(std::size_t)>*> work_{nullptr};
  std::atomic<std::size_t> next_part_{kParts};  // the next part to claim; >= kParts: none
  std::atomic<std::size_t> parts_done_{0};
  std::atomic<std::uint64_t> runs_{0};  // bumped per run (and to stop): what the thread waits on
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> thread_parts_{0};
  std::thread thread_;
};

}  // namespace calmon::daemon
