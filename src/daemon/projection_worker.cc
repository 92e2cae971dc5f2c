// projection_worker.cc — the handoff of one frame at a time; see the header.
#include "daemon/projection_worker.h"

#include <utility>

namespace calmon::daemon {

ProjectionWorker::ProjectionWorker() : thread_([this] { run(); }) {}

ProjectionWorker::~ProjectionWorker() {
  try {
    wait();
  } catch (...) {  // a failed frame no one asked about any more
  }
  stop_ = true;
  requested_.fetch_add(1, std::memory_order_release);
  requested_.notify_one();
  thread_.join();
}

void ProjectionWorker::start(Pipeline& pipeline, AnyFrameView frame) {
  pipeline_ = &pipeline;
  frame_ = frame;
  requested_.fetch_add(1, std::memory_order_release);
  requested_.notify_one();
}

void ProjectionWorker::wait() {
  const std::uint64_t target = requested_.load(std::memory_order_relaxed);  // only this thread writes it
  for (std::uint64_t done = done_.load(std::memory_order_acquire); done != target;
       done = done_.load(std::memory_order_acquire)) {
    done_.wait(done, std::memory_order_acquire);
  }
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void ProjectionWorker::run() {
  std::uint64_t seen = 0;
  for (;;) {
    requested_.wait(seen, std::memory_order_acquire);
    seen = requested_.load(std::memory_order_acquire);
    if (stop_) return;
    try {
      pipeline_->push_projections(frame_);
    } catch (...) {
      error_ = std::current_exception();
    }
    done_.store(seen, std::memory_order_release);
    done_.notify_one();
  }
}

}  // namespace calmon::daemon
