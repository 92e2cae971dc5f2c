// roi_work_thread.cc — parts claimed from one counter by two threads; see the header.
#include "daemon/roi_work_thread.h"

namespace calmon::daemon {

namespace {

// Returns once `value` is no longer `old`: spinning for up to RoiWorkThread::kSpin
// first (what is awaited usually comes within it), then asleep on the atomic.
template <class T> void wait_for_change(const std::atomic<T>& value, T old) {
  const auto spin_until = std::chrono::steady_clock::now() + RoiWorkThread::kSpin;
  while (value.load(std::memory_order_acquire) == old && std::chrono::steady_clock::now() < spin_until) {
  }
  value.wait(old, std::memory_order_acquire);
}

}  // namespace

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
  // Only a part the thread has claimed can still be running: wait for it (it started
  // about when this thread did, so it ends about now).
  for (std::size_t done = parts_done_.load(std::memory_order_acquire); done < kParts;
       done = parts_done_.load(std::memory_order_acquire)) {
    wait_for_change(parts_done_, done);
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
    wait_for_change(runs_, seen);  // the next step of a frame usually follows within the spin
    seen = runs_.load(std::memory_order_acquire);
    if (stopping_.load(std::memory_order_acquire)) return;
    thread_parts_.fetch_add(claim_and_run(), std::memory_order_relaxed);
  }
}

}  // namespace calmon::daemon
