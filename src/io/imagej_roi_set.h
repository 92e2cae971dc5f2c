// imagej_roi_set.h — ImageJ ROI files: one `.roi`, or a RoiSet.zip of them as ImageJ's
// ROI Manager saves ("More » Save...") and opens, read and written with libzip.
//
// In a RoiSet.zip each entry is one `.roi` file; an ROI without a name of its own is named
// after its entry, without ".roi". Entries are read in the zip's order, which is the ROI
// Manager's. Every failure is one line naming the file, and the entry when it is one ROI.
#pragma once

#include <string>
#include <vector>

#include "io/imagej_roi.h"

namespace calmon::io {

// The ROIs of `path`: a `.zip` as a RoiSet, anything else as a single `.roi`.
std::vector<ImageJRoi> read_imagej_rois(const std::string& path);

// The ROIs of a RoiSet.zip (any file name).
std::vector<ImageJRoi> read_imagej_roi_set(const std::string& path);

// Writes `rois` as a RoiSet.zip at `path`, replacing the file: one entry "<name>.roi"
// per ROI, in order. Names must be unique (ImageJ keys its ROI Manager by them).
void write_imagej_roi_set(const std::string& path, const std::vector<ImageJRoi>& rois);

}  // namespace calmon::io
