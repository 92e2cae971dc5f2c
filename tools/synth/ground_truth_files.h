// ground_truth_files.h — writes a synthetic movie's ground truth next to the movie.
//
// OUT_DIR/truth/ gets what a test or a notebook needs to score an analysis against the
// truth, in files numpy and any JSON reader open directly:
//   cells.json      (GroundTruthCells, proto/calmon/output.proto) the movie's parameters
//                   and, per cell, id, center, radii, bounding rectangle
//                   (xmin/xmax/ymin/ymax, half-open), brightness, kinetics
//   masks.npy       (H, W) uint16 label image: 0 neuropil, k inside cell k
//   weights.npy     (n_cells, H, W) float64 soft footprints (skipped when huge)
//   spikes.npy      (T, n_cells) uint8 spike count per frame
//   dff.npy         (n_cells, T) float64 true ΔF/F
//   neuropil.npy    (T,) float64 true neuropil activity (relative change)
//   drift.npy       (T,) float64 factor of bleaching and wander on all emitted light
//   motion.npy      (T, 2) float64 true shift (dy, dx) of each frame; only with --motion
//   displacement.npy (T, 2, H, W) float32 true registering field (dy, dx) of every pixel,
//                   the rigid shift plus the warp; only with --motion-warp
// Time series are streamed row by row, so memory stays at one row.
#pragma once

#include <string>

#include "synth/synthetic_movie.h"

namespace calmon::synth_tool {

struct GroundTruthSummary {
  bool weights_written = false;
};

// Writes the files above into `truth_dir` (which must exist); `movie_file` is the movie's
// name as cells.json should mention it. Throws calmon::Error on a write failure.
GroundTruthSummary write_ground_truth(const synth::SyntheticMovie& movie, const std::string& truth_dir,
                                      const std::string& movie_file, bool bigtiff);

}  // namespace calmon::synth_tool
