// rate_limited_log.cc — one line per key per period, with counts of the rest; see the header.
#include "daemon/rate_limited_log.h"

namespace calmon::daemon {

namespace {

std::string suppressed_note(std::uint64_t count) { return " (" + std::to_string(count) + " more suppressed)"; }

}  // namespace

RateLimitedLog::RateLimitedLog(Sink sink, Clock::duration period) : sink_(std::move(sink)), period_(period) {}

void RateLimitedLog::write(std::string_view key, std::string_view line, Clock::time_point now) {
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    keys_.emplace(std::string(key), KeyState{now, 0});
    sink_(std::string(line));
    return;
  }
  KeyState& state = it->second;
  if (now - state.last_written < period_) {
    ++state.suppressed;
    return;
  }
  std::string text(line);
  if (state.suppressed > 0) text += suppressed_note(state.suppressed);
  state = KeyState{now, 0};
  sink_(text);
}

void RateLimitedLog::flush(Clock::time_point now) {
  for (auto& [key, state] : keys_) {
    if (state.suppressed > 0 && now - state.last_written >= period_) {
      sink_(key + ": " + std::to_string(state.suppressed) + " more suppressed");
      state = KeyState{now, 0};
    }
  }
}

}  // namespace calmon::daemon
