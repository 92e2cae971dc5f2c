// suite2p_export.h — `calmon-rois suite2p-export IN OUT`: a calmon-analyze output folder or
// a calmon-record recording written in Suite2p's output layout, for scripts written for
// Suite2p.
//
// From IN: the traces F.npy and Fneu.npy (frames, ROIs), what each column is (rois.json),
// each ROI's pixels (rois.json's region_spec in a recording, the effective config.json of
// an analysis), the frame size and rate (rois.json) and the mean image (all_mean.npy, when
// the default projection is there). Into OUT (created): F.npy, Fneu.npy, stat.npy,
// iscell.npy, ops.npy (io/suite2p_files.h). spks.npy is not written: calmon does not
// deconvolve, and a file of zeros would pass for spikes.
#pragma once

#include <ostream>
#include <string>

namespace calmon::rois_tool {

// Throws calmon::Error naming the file at fault. Returns the number of ROIs written.
std::size_t export_suite2p(const std::string& in_folder, const std::string& out_folder, std::ostream& warnings);

}  // namespace calmon::rois_tool
