// roi_import_context.h — what an ROI file reader is told besides the file.
//
// Its own header so that the readers (imagej_format.h, suite2p_format.h, caiman_format.h)
// sit below the table that lists them (roi_formats.h): each reader needs this, the table
// needs the readers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/frame_view.h"

namespace calmon::config {

// What a reader is told besides the file.
struct ImportContext {
  // The frame the ROIs are for (--width/--height or --movie); readers that need it
  // (a format without its own frame size) say so when it is missing. Every region is
  // checked against it after reading, when it is known.
  std::optional<FrameShape> frame;
  // Warnings, one line each, "warning: <file>: ..." (calmon-rois prints them on stderr,
  // calmond puts them in its reply).
  std::vector<std::string>* warnings = nullptr;

  // Suite2p's stat.npy (suite2p_format.h): which ROIs to keep by iscell.npy — the cells
  // (default), those of probability >= iscell_threshold, or all; whether pixels shared with
  // another ROI stay in the masks (Suite2p's allow_overlap); and where to write the
  // mean image of ops.npy as a motion-correction reference (empty: not written).
  std::optional<double> iscell_threshold;
  bool all_rois = false;
  bool allow_overlap = false;
  std::string reference_path;
  // CaImAn's .hdf5 (caiman_format.h): pixels below this fraction of a footprint's largest
  // value are left out (0: every nonzero pixel).
  double footprint_threshold = 0.0;
};

}  // namespace calmon::config
