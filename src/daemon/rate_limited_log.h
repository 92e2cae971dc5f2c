// rate_limited_log.h — log lines that cannot flood the log: one per key per period.
//
// A sender gone wrong may send thousands of bad messages a second; each is counted
// (Status.rejected), but the log gets at most one line per reason per period. The first
// line of a key is written at once; later ones within the period are suppressed and
// counted, and the next line written for that key says how many were. flush() writes
// the count for keys that went quiet with lines still suppressed, so none is lost
// silently. Time is a parameter: the class is pure bookkeeping around a line sink.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace calmon::daemon {

class RateLimitedLog {
 public:
  using Clock = std::chrono::steady_clock;
  using Sink = std::function<void(const std::string& line)>;

  explicit RateLimitedLog(Sink sink, Clock::duration period = std::chrono::seconds(1));

  // Writes `line` unless a line of the same key was written less than a period ago.
  void write(std::string_view key, std::string_view line, Clock::time_point now);
  // Writes "<key>: N more suppressed" for every key whose period has passed with lines
  // suppressed.
  void flush(Clock::time_point now);

 private:
  struct KeyState {
    Clock::time_point last_written;
    std::uint64_t suppressed = 0;
  };

  Sink sink_;
  Clock::duration period_;
  std::map<std::string, KeyState, std::less<>> keys_;
};

}  // namespace calmon::daemon
