// projection_worker.h — the second core: a frame's whole-frame images computed beside
// its traces.
//
// For each frame the pipeline thread computes and publishes the frame's traces
// (Pipeline::push_traces), then waits for the worker to finish the previous frame
// (wait) and hands it this one (start); it also waits before anything reads the
// projections or ends the session. So the projections and local-correlation sums
// (Pipeline::push_projections) never delay the traces, and run on the other core
// beside the next frame's traces. One frame is in flight at most, so there is no
// queue: the handoff is a counter each way, an atomic with a futex wait
// (std::atomic::wait), and no lock on the per-frame path. The frame's pixels must stay
// valid until wait() returns.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <thread>

#include "core/frame_view.h"
#include "core/pipeline.h"

namespace calmon::daemon {

class ProjectionWorker {
 public:
  ProjectionWorker();
  ~ProjectionWorker();  // waits for the frame in flight, then stops the thread
  ProjectionWorker(const ProjectionWorker&) = delete;
  ProjectionWorker& operator=(const ProjectionWorker&) = delete;

  // Starts pipeline.push_projections(frame) on the worker's thread. The previous frame
  // must be done (wait()).
  void start(Pipeline& pipeline, AnyFrameView frame);
  // Blocks until the frame given to start() is done (at once when idle); rethrows what
  // push_projections threw.
  void wait();

 private:
  void run();

  // Written by the pipeline thread before `requested_` counts up (release), read by the
  // worker after it saw the new count (acquire).
  Pipeline* pipeline_ = nullptr;
  AnyFrameView frame_;
  bool stop_ = false;
  // Written by the worker before `done_` counts up.
  std::exception_ptr error_;

  std::atomic<std::uint64_t> requested_{0};
  std::atomic<std::uint64_t> done_{0};
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace calmon::daemon
