// replay_summary.cc — the summary line; see the header for what each number means.
#include "replay/replay_summary.h"

#include <csignal>
#include <cstdio>

namespace calmon::replay {
namespace {

std::string printf_string(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string microseconds(std::int64_t ns) { return printf_string("%.1f us", static_cast<double>(ns) / 1e3); }

}  // namespace

std::string format_summary(const ReplaySummary& summary) {
  std::string line = "calmon-replay: ";
  if (summary.signal != 0) line += summary.signal == SIGINT ? "interrupted, " : "terminated, ";
  line += std::to_string(summary.frames_sent) + (summary.frames_sent == 1 ? " frame" : " frames");
  if (summary.end_of_stream_sent) line += " + end of stream";
  line += " to " + summary.endpoint + " in " + printf_string("%.2f s", summary.seconds);
  if (summary.frames_sent >= 2 && summary.seconds > 0) {
    line += ", " + printf_string("%.2f frames/s", static_cast<double>(summary.frames_sent - 1) / summary.seconds);
  }
  if (!summary.target_rate_hz) {
    line += " (--fast)";
    return line;
  }
  line += " (target " + printf_string("%g", *summary.target_rate_hz) + ")";
  const JitterHistogram& errors = summary.send_errors;
  if (errors.count() > 0) {
    line += "; send-time error p50 " + microseconds(errors.percentile_ns(50)) + ", p99 " +
            microseconds(errors.percentile_ns(99)) + ", max " + microseconds(errors.max_ns());
  }
  line += "; " + std::to_string(summary.late_frames) + " late";
  return line;
}

}  // namespace calmon::replay
