// trace_files.h — per-ROI traces as .npy files that grow frame by frame.
//
// The layout calmon-analyze and the recorder share (docs/output.md): one file per
// quantity, shape (frames, ROIs), float64, so F[:, i] is ROI i's trace and each file
// is a valid array after every flush — a crash loses at most the frames since the
// last flush, never the file:
//   F.npy Fneu.npy Fcorr.npy F0_live.npy dff_live.npy flags_live.npy (uint8)
//   F0_settled.npy dff_settled.npy flags_settled.npy (uint8)
//   global_mean.npy global_median.npy global_min.npy (frames,), when computed
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/pipeline.h"
#include "io/npy_writer.h"

namespace calmon::io {

class TraceFiles {
 public:
  // Creates the files in `directory` (which must exist) for `roi_count` ROIs.
  TraceFiles(const std::string& directory, std::size_t roi_count, bool global_traces);

  void append_live(const FrameResult& result);
  void append_settled(const SettledRow& row);
  void flush();

  std::size_t live_rows() const { return f_.rows(); }
  std::size_t settled_rows() const { return f0_settled_.rows(); }

 private:
  using Doubles = NpyAppender<double>;
  using Flags = NpyAppender<std::uint8_t>;
  Doubles f_, fneu_, fcorr_, f0_live_, dff_live_;
  Flags flags_live_;
  Doubles f0_settled_, dff_settled_;
  Flags flags_settled_;
  std::unique_ptr<Doubles> global_mean_, global_median_, global_min_;
};

}  // namespace calmon::io
