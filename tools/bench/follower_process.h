// follower_process.h — calmon-follow as a child process: started, seen waiting, waited for.
//
// The child's stdout (its summary line) goes to calmon-bench's stderr, so that calmon-bench's
// stdout keeps only figures. Its stderr comes through a pipe that a thread copies, line by
// line, to calmon-bench's stderr, watching for the line calmon-follow prints while the
// first file does not exist yet ("waiting for ... to appear"): from then on it is polling,
// and the writer may start. wait_for_exit() waits for it to end by itself (the stop file);
// past the deadline it is sent SIGTERM, then SIGKILL.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace calmon::bench {

class FollowerProcess {
 public:
  // Starts `path` with `arguments`; throws std::runtime_error if it cannot.
  FollowerProcess(const std::string& path, const std::vector<std::string>& arguments);
  ~FollowerProcess();
  FollowerProcess(const FollowerProcess&) = delete;
  FollowerProcess& operator=(const FollowerProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Waits until it said it waits for its file; throws std::runtime_error naming what
  // happened if it exits first or says nothing in time.
  void wait_until_waiting(std::chrono::milliseconds deadline);

  // Waits for it to exit; returns its exit status (-1: killed, after SIGTERM and SIGKILL
  // past the deadline).
  int wait_for_exit(std::chrono::milliseconds deadline);

 private:
  bool reap(std::chrono::milliseconds deadline);

  pid_t pid_ = -1;
  int exit_status_ = -1;
  std::atomic<bool> waiting_{false};
  std::atomic<bool> stderr_closed_{false};
  std::thread stderr_copier_;
};

}  // namespace calmon::bench
