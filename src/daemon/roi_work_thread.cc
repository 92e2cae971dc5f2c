// roi_work_thread.cc — parts claimed from one counter by two threads; see the header.
#include "daemon/roi_work_thread.h"

namespace calmon::daemon {

RoiWorkThread::RoiWorkThread() : thread_([this] { loop(); }) {}

RoiWorkThread::~RoiWorkThread() {
  stopping_.store(true, std::memory_order_release);
  runs_.fetch_add(1, std::memory_order_release);
  runs_.notify_one();
  thread_.join();
}

void RoiWorkThread::run(const std::function<void(std::size_t)>& work) {
  work_.store(&work, std::memory_order_relaxed);
  parts_done_.store(0, std::memory_order_relaxed);
  next_part_.store(0, std::memory_order_release);  // publishes the work: claims read it after
  runs_.fetch_add(1, std::memory_order_release);
  runs_.notify_one();
  claim_and_run();
  // Only a part the thread has claimed can still be running: wait for it, spinning
  // first (it started about when this thread did, so it ends about now).
  const auto spin_until = std::chrono::steady_clock::now() + kSpin;
  while (parts_done_.load(std::memory_order_acquire) < kParts && std::chrono::steady_clock::now() < spin_until) {
  }
  for (std::size_t done = parts_done_.load(std::memory_order_acquire); done < kParts;
       done = parts_done_.load(std::memory_order_acquire)) {
    parts_done_.wait(done, std::memory_order_acquire);
  }
}

std::size_t RoiWorkThread::claim_and_run() {
  std::size_t ran = 0;
  for (std::size_t part = next_part_.fetch_add(1, std::memory_order_acq_rel); part < kParts;
       part = next_part_.fetch_add(1, std::memory_order_acq_rel)) {
    (*work_.load(std::memory_order_relaxed))(part);
    ++ran;
    parts_done_.fetch_add(1, std::memory_order_release);
    parts_done_.notify_one();
  }
  return ran;
}

void RoiWorkThread::loop() {
  std::uint64_t seen = 0;  // runs_ at construction: a run made before the thread got here still counts
  while (true) {
    // A short spin first (the next step of a frame follows at once), then sleep.
    const auto spin_until = std::chrono::steady_clock::now() + kSpin;
    while (runs_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < spin_until) {
    }
    runs_.wait(seen, std::memory_order_acquire);
    seen = runs_.load(std::memory_order_acquire);
    if (stopping_.load(std::memory_order_acquire)) return;
    thread_parts_.fetch_add(claim_and_run(), std::memory_order_relaxed);
  }
}

}  // namespace calmon::daemon
