// process_memory.h — a process's memory from /proc/<pid>/status, and sampling it.
//
// VmHWM is the peak resident set since the process started; VmRSS the current one.
// RssSampler reads VmRSS every interval on its own thread while a run goes on, each
// sample with its time (ns since the epoch).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace calmon::bench {

// The field in MiB ("VmHWM", "VmRSS"); -1 if the process or field is gone.
double status_field_mib(pid_t pid, const char* field);

class RssSampler {
 public:
  RssSampler(pid_t pid, std::chrono::milliseconds interval);
  ~RssSampler();
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;

  struct Sample {
    std::int64_t time_ns;
    double mib;
  };

  // Stops sampling; the samples, in order.
  std::vector<Sample> finish();

 private:
  pid_t pid_;
  std::chrono::milliseconds interval_;
  std::vector<Sample> samples_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace calmon::bench
