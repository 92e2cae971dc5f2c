// process_memory.cc — parsing "VmRSS:   123456 kB" lines.
#include "process_memory.h"

#include <fstream>
#include <sstream>
#include <string>

#include "net/clock.h"

namespace calmon::bench {

double status_field_mib(pid_t pid, const char* field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  const std::string prefix = std::string(field) + ":";
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream fields(line.substr(prefix.size()));
    double kib = 0;
    fields >> kib;
    return kib / 1024.0;
  }
  return -1.0;
}

RssSampler::RssSampler(pid_t pid, std::chrono::milliseconds interval) : pid_(pid), interval_(interval) {
  thread_ = std::thread([this] {
    while (!stop_) {
      const double mib = status_field_mib(pid_, "VmRSS");
      if (mib >= 0) samples_.push_back({net::now_ns(), mib});
      std::this_thread::sleep_for(interval_);
    }
  });
}

RssSampler::~RssSampler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<RssSampler::Sample> RssSampler::finish() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return samples_;
}

}  // namespace calmon::bench
