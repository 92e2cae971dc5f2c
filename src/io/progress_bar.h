// progress_bar.h — one self-overwriting status line on a terminal: frames, rate, ETA.
//
//   [##########..........]  1000/2000 frames  30.0 frames/s  ETA 0:33  2 late
//
// Shared by the programs that work through a movie for a while: calmon-replay (frames
// sent), calmon-synth (frames written), calmon-analyze (frames analysed). It lives in
// io/ because it writes to a FILE*, and every program may include io/ (docs/testing.md#layering).
// Redrawn with '\r' at most every 100 ms, so it costs nothing measurable even at
// thousands of frames per second; without a known total (calmon-replay --loop-forever)
// it shows the elapsed time instead of a bar. The rate is the average since the first
// frame (frames after it per second, as in calmon-replay's summary line). The line is
// finished with a newline when the work ends (or the bar is destroyed), so what is
// printed next starts on a line of its own. A disabled bar prints nothing at all.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace calmon::io {

struct ProgressState {
  std::int64_t sent = 0;              // frames done so far
  std::optional<std::int64_t> total;  // nullopt: unbounded (calmon-replay --loop-forever)
  std::int64_t late = 0;
  double elapsed_s = 0;  // since the first frame
};

// The line without '\r', e.g. "[####......]  40/100 frames  30.0 frames/s  ETA 0:02".
std::string format_progress(const ProgressState& state);

class ProgressBar {
 public:
  ProgressBar(std::FILE* out, bool enabled) : out_(out), enabled_(enabled) {}
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Redraws if 100 ms have passed since the last redraw (monotonic `now_ns`).
  void update(const ProgressState& state, std::int64_t now_ns);
  // Draws the final state and ends the line; later calls do nothing.
  void finish(const ProgressState& state);
  void finish();  // ends the line if one was drawn
  // Ends the line drawn so far, so that a message (a warning) can be printed on a line
  // of its own; the next update draws the bar again below it.
  void break_line();

 private:
  void draw(const ProgressState& state);

  std::FILE* out_;
  bool enabled_;
  bool drawn_ = false;
  bool finished_ = false;
  std::int64_t last_draw_ns_ = 0;
  std::size_t last_width_ = 0;
};

}  // namespace calmon::io
