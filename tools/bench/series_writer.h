// series_writer.h — a paced writer of a ScanImage-style TIFF series, on a thread of its own.
//
// Stands in for the microscope in calmon-bench --follow-lag: frame k of the series is
// written when its scan ends, start + (k + 1) / rate on an absolute schedule, with
// calmon-rig-sim's writer (rig_sim/scanimage_writer.h: the pixels and description first,
// then the IFD, then the link that makes the page visible), into NAME_00001_00001.tif,
// _00002.tif, ... rolling over every frames_per_file frames. The pixels come from a few
// frames made beforehand (rendering the synthetic movie at 512x512 takes ~40 ms a frame,
// more than a frame's time at 30 Hz), and frame k carries its own number k in its first
// two pixels (low, high 16 bits), so a receiver knows which frame it got whatever the
// follower does with sequence numbers. written_ns()[k] is the steady clock when the
// writer had finished frame k (the link written).
//
// The files would fill a tmpfs at 1000 frames/s, so a file the follower is done with —
// `followed` (the newest frame a receiver got) is in a later file — is deleted when the
// writer starts a new file, on a thread of its own so the writer does not wait for it.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "core/frame_view.h"

namespace calmon::bench {

struct SeriesSettings {
  std::string folder;
  std::string stem = "bench";
  FrameShape shape;
  double rate_hz = 30;
  std::int64_t frames = 0;  // all of them, warm-up included
  std::int64_t frames_per_file = 200;
  unsigned seed = 1;
};

class SeriesWriter {
 public:
  static constexpr int kDistinctFrames = 8;

  // Renders the distinct frames (before any timing starts).
  explicit SeriesWriter(SeriesSettings settings);
  ~SeriesWriter();
  SeriesWriter(const SeriesWriter&) = delete;
  SeriesWriter& operator=(const SeriesWriter&) = delete;

  // The series' first file (it does not exist before start()).
  std::string file_path(std::int64_t file_index) const;
  std::int64_t file_of(std::int64_t frame) const { return frame / settings_.frames_per_file; }

  // Starts writing; `followed` is read to decide which files may go.
  void start(const std::atomic<std::int64_t>& followed);
  // Waits for the last frame to be written; rethrows what the writer threw.
  void join();

  // Steady-clock ns at which each frame was complete in the file; valid after join().
  const std::vector<std::int64_t>& written_ns() const { return written_ns_; }
  // Steady-clock ns at which writing started (frame 0 is due one frame's time later).
  std::int64_t started_ns() const { return started_ns_; }

 private:
  void write_all(const std::atomic<std::int64_t>& followed);
  void remove_followed_files(std::int64_t below_file, const std::atomic<std::int64_t>& followed);

  SeriesSettings settings_;
  std::vector<std::vector<std::uint16_t>> frames_;
  std::vector<std::int64_t> written_ns_;
  std::int64_t started_ns_ = 0;
  std::int64_t files_removed_ = 0;  // files 0 .. files_removed_ - 1 are gone
  std::vector<std::thread> removals_;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace calmon::bench
