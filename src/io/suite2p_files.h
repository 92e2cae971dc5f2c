// suite2p_files.h — the files of a Suite2p output folder (suite2p/plane0/), read and written.
//
// Read: stat.npy (an object array of dicts, one per ROI: ypix, xpix, lam, and overlap when
// Suite2p computed it), iscell.npy ((ROIs, 2): is-cell flag and the classifier's
// probability) and ops.npy (a dict: Ly and Lx the frame size, meanImg and refImg, fs).
// Pickles are read by the restricted unpickler (pickle_reader.h), nothing is executed.
// What the masks mean is Suite2p's rule (core/suite2p_masks.h).
//
// Written: the same layout for traces calmon computed, so that scripts written for Suite2p
// (`np.load('stat.npy', allow_pickle=True)`, `F - 0.7 * Fneu`) run on them: F.npy and
// Fneu.npy (ROIs, frames) float32 as Suite2p writes them, stat.npy, iscell.npy, ops.npy.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/suite2p_masks.h"

namespace calmon::io {

struct Suite2pStat {
  std::vector<Suite2pPixels> rois;         // in stat.npy's order: ROI i is Suite2p's index i
  std::vector<std::vector<bool>> overlap;  // per ROI, per pixel; empty when `has_overlap` is false
  bool has_overlap = false;                // every ROI had an `overlap` array of its pixels' length
};

// Throws calmon::Error "<path>: ..." ("stat.npy: ROI 17: ypix has 12 pixels, xpix 11"): not
// an object array of dicts, a dict without ypix or xpix, arrays of different lengths, a
// negative coordinate, a lam that is not finite and positive where given.
Suite2pStat read_suite2p_stat(const std::string& path);

struct Suite2pIscell {
  std::vector<bool> is_cell;
  std::vector<double> probability;
};
// iscell.npy: (ROIs, 2), or (ROIs,) of flags only (probability then the flag).
Suite2pIscell read_suite2p_iscell(const std::string& path);

struct Suite2pOps {
  int height = 0;                        // Ly; 0: not in the file
  int width = 0;                         // Lx
  double frame_rate_hz = 0.0;            // fs; 0: not in the file
  std::optional<Image> mean_image;       // meanImg (Ly, Lx)
  std::optional<Image> reference_image;  // refImg (Ly, Lx)
};
Suite2pOps read_suite2p_ops(const std::string& path);

// What write_suite2p_folder writes.
struct Suite2pExport {
  int height = 0;
  int width = 0;
  double frame_rate_hz = 0.0;  // 0: unknown, `fs` left out of ops.npy
  std::size_t frames = 0;
  std::vector<Suite2pPixels> rois;  // pixels and weights as lam
  std::vector<double> f;            // (frames, ROIs), frame-major as calmon writes F.npy
  std::vector<double> fneu;         // (frames, ROIs)
  std::optional<Image> mean_image;
};
// Writes F.npy, Fneu.npy (ROIs, frames) float32, stat.npy (ypix, xpix, lam, med, npix,
// overlap per ROI), iscell.npy (ROIs, 2) float64 of 1.0, ops.npy (Ly, Lx, nframes, fs,
// meanImg) into `folder`, which must exist.
void write_suite2p_folder(const std::string& folder, const Suite2pExport& data);

}  // namespace calmon::io
