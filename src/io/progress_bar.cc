// progress_bar.cc — formatting and throttled redrawing of the progress line (progress_bar.h).
#include "io/progress_bar.h"

#include <algorithm>
#include <cmath>

namespace calmon::io {
namespace {

constexpr std::int64_t kRedrawIntervalNs = 100'000'000;
constexpr int kBarWidth = 20;

// "0:07", "12:34", "1:02:03".
std::string format_duration(double seconds) {
  const auto total = static_cast<long long>(std::max(0.0, std::round(seconds)));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

}  // namespace

std::string format_progress(const ProgressState& state) {
  // Frames after the first per second since the first, as in the summary line.
  const double rate = state.elapsed_s > 0 && state.sent > 1 ? static_cast<double>(state.sent - 1) / state.elapsed_s : 0;
  char rate_text[48];
  std::snprintf(rate_text, sizeof rate_text, "%.1f frames/s", rate);
  std::string line;
  if (state.total && *state.total > 0) {
    const std::int64_t total = *state.total;
    const auto filled = static_cast<int>(std::min<std::int64_t>(state.sent, total) * kBarWidth / total);
    line = "[" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(kBarWidth - filled), '.') + "]  " + std::to_string(state.sent) + "/" +
           std::to_string(total) + " frames  " + rate_text;
    if (state.sent < total) {
      line += "  ETA " + (rate > 0 ? format_duration(static_cast<double>(total - state.sent) / rate) : "?");
    }
  } else {
    line = std::to_string(state.sent) + " frames  " + rate_text + "  " + format_duration(state.elapsed_s);
  }
  if (state.late > 0) line += "  " + std::to_string(state.late) + " late";
  return line;
}

void ProgressBar::update(const ProgressState& state, std::int64_t now_ns) {
  if (!enabled_ || finished_) return;
  if (drawn_ && now_ns - last_draw_ns_ < kRedrawIntervalNs) return;
  last_draw_ns_ = now_ns;
  draw(state);
}

void ProgressBar::finish(const ProgressState& state) {
  if (!enabled_ || finished_) return;
  draw(state);
  finish();
}

void ProgressBar::finish() {
  if (drawn_ && !finished_) {
    std::fputc('\n', out_);
    std::fflush(out_);
  }
  finished_ = true;
}

void ProgressBar::break_line() {
  if (!drawn_ || finished_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  drawn_ = false;
  last_width_ = 0;
}

void ProgressBar::draw(const ProgressState& state) {
  const std::string line = format_progress(state);
  // Blank out what a longer previous line left behind; no terminal escapes, so a log
  // file captured with --progress always stays plain text.
  const std::size_t padding = last_width_ > line.size() ? last_width_ - line.size() : 0;
  std::fprintf(out_, "\r%s%*s", line.c_str(), static_cast<int>(padding), "");
  std::fflush(out_);
  last_width_ = line.size();
  drawn_ = true;
}

}  // namespace calmon::io
