// reference_image.h — the motion-correction reference read from a file: yesterday's mean
// image (calmon-analyze's all_mean.npy or all_mean.tif) or any image made in numpy or Fiji,
// so that the day's frames are registered onto the same cells as yesterday's ROIs.
//
// Two kinds of file, told apart by the name's ending (any case):
//   .npy         a 2-D numpy array, format 1.0, 2.0 or 3.0, dtype u1 u2 u4 i1 i2 i4 f4 f8,
//                little-endian ('<', or '|' for one byte), C or Fortran order;
//   .tif, .tiff  a TIFF with exactly one grayscale image, of any pixel type
//                TiffMovieReader reads (tiff_movie_reader.h).
// Every pixel is converted to a double exactly (core/image.h). Whether its size is the
// frame's is for the caller to check.
#pragma once

#include <cstddef>
#include <string>

#include "core/frame_size_limit.h"
#include "core/image.h"

namespace calmon::io {

// Throws calmon::Error, one line naming the file and the problem: missing or unreadable,
// not .npy/.tif/.tiff, a .npy that is not 2-D, an unsupported dtype (named), a truncated
// data section, big-endian data, a TIFF with several pages, a non-finite pixel (the first
// one's x, y), an empty image, or more than `max_frame_bytes` of pixels (the limit of
// the frames themselves, --max-frame-mib).
Image read_reference_image(const std::string& path, std::size_t max_frame_bytes = kDefaultMaxFrameBytes);

}  // namespace calmon::io
