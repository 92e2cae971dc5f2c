// log_line.cc — time-stamped lines on stderr; see the header.
#include "daemon/log_line.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace calmon::daemon {

void log_line(const std::string& line) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min, local.tm_sec,
                static_cast<int>(millis));
  const std::string text = "calmond " + std::string(stamp) + ": " + line + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace calmon::daemon
