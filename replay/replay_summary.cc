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

std::string frames(std::uint64_t count) { return std::to_string(count) + (count == 1 ? " frame" : " frames"); }

// Every frame sent reached calmond and was processed. (A stream continued from an
// earlier run, --stream-id, has that run's frames in the report too.)
bool all_processed(const pb::StreamReport& report, std::uint64_t sent) {
  return report.frames_rejected() == 0 && report.frames_received() >= sent &&
         report.frames_processed() == report.frames_received();
}

// What calmond said about the stream, for the end of the summary line.
std::string acknowledgement_text(const ReplaySummary& summary) {
  const Acknowledgement& ack = *summary.acknowledgement;
  if (ack.outcome == Acknowledgement::Outcome::kInterrupted) return "acknowledgement not awaited";
  if (ack.outcome != Acknowledgement::Outcome::kAcknowledged) return "not acknowledged by calmond";
  const auto sent = static_cast<std::uint64_t>(summary.frames_sent);
  const pb::StreamReport& report = ack.report;
  if (all_processed(report, sent)) return "calmond processed all " + std::to_string(sent);
  const std::uint64_t never_arrived = sent > report.frames_received() ? sent - report.frames_received() : 0;
  return "calmond processed " + std::to_string(report.frames_processed()) + " of " + frames(sent) + " (" +
         std::to_string(report.frames_rejected()) + " rejected, " + std::to_string(never_arrived) + " never arrived)";
}

}  // namespace

std::string format_summary(const ReplaySummary& summary) {
  std::string line = summary.program + ": ";
  if (summary.signal != 0) line += summary.signal == SIGINT ? "interrupted, " : "terminated, ";
  line += frames(static_cast<std::uint64_t>(summary.frames_sent));
  if (summary.end_of_stream_sent) line += " + end of stream";
  line += " to " + summary.endpoint + " in " + printf_string("%.2f s", summary.seconds);
  if (summary.frames_sent >= 2 && summary.seconds > 0) {
    line += ", " + printf_string("%.2f frames/s", static_cast<double>(summary.frames_sent - 1) / summary.seconds);
  }
  if (summary.as_written) {
    line += " (as written)";
  } else if (!summary.target_rate_hz) {
    line += " (--fast)";
  } else {
    line += " (target " + printf_string("%g", *summary.target_rate_hz) + ")";
    const JitterHistogram& errors = summary.send_errors;
    if (errors.count() > 0) {
      line += "; send-time error p50 " + microseconds(errors.percentile_ns(50)) + ", p99 " +
              microseconds(errors.percentile_ns(99)) + ", max " + microseconds(errors.max_ns());
    }
    line += "; " + std::to_string(summary.late_frames) + " late";
  }
  if (summary.acknowledgement) line += "; " + acknowledgement_text(summary);
  return line;
}

std::optional<std::string> delivery_problem(const ReplaySummary& summary) {
  if (!summary.acknowledgement) return std::nullopt;
  const Acknowledgement& ack = *summary.acknowledgement;
  const std::string& control = summary.control_endpoint;
  const pb::StreamReport& report = ack.report;
  const auto sent = static_cast<std::uint64_t>(summary.frames_sent);
  switch (ack.outcome) {
    case Acknowledgement::Outcome::kInterrupted: return std::nullopt;
    case Acknowledgement::Outcome::kNoReply:
      return "calmond never acknowledged the end of stream: no reply from its control socket " + control +
             " (it stopped or died mid-stream, or listens elsewhere: --control names it, --no-ack skips the check)";
    case Acknowledgement::Outcome::kRefused:
      return "calmond at " + control + " did not acknowledge the end of stream: it refused the stream query (" +
             ack.error + ")";
    case Acknowledgement::Outcome::kNotAcknowledged:
      if (!report.known()) {
        return "calmond never acknowledged the end of stream: the calmond at " + control +
               " received nothing of this stream (it was restarted after the last frame reached it)";
      }
      return "calmond never acknowledged the end of stream: the calmond at " + control + " received " +
             std::to_string(report.frames_received()) + " of the " + frames(sent) + " sent, and no end of stream";
    case Acknowledgement::Outcome::kAcknowledged: break;
  }
  if (all_processed(report, sent)) return std::nullopt;
  std::string line =
      "calmond processed " + std::to_string(report.frames_processed()) + " of the " + frames(sent) + " sent";
  if (report.frames_rejected() > 0) {
    line += "; it rejected " + std::to_string(report.frames_rejected()) + " (its log and Status.rejected say why)";
  }
  if (report.frames_received() < sent) {
    line += "; " + std::to_string(sent - report.frames_received()) + " never reached it";
    if (report.frames_processed() > 0 && report.first_sequence() > summary.first_sequence) {
      line += " (the calmond answering saw this stream from frame " + std::to_string(report.first_sequence()) +
              " on: it was restarted mid-stream)";
    }
  }
  return line;
}

}  // namespace calmon::replay
