// tiff_writer.h — writes TIFF files with libtiff: multi-page movies and float32 images.
//
// Movies (calmon-synth, tests) are written page by page, uncompressed, one strip per
// page, classic TIFF or BigTIFF, with an optional ImageDescription on the first page
// (calmon-synth's ImageJ lines, which carry the frame interval). Images (projections) are written as float32 so that
// Fiji and tifffile open them. Errors are calmon::Error naming the file.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/frame_view.h"

namespace calmon::io {

class TiffMovieWriter {
 public:
  // `description`: the first page's ImageDescription; none if empty.
  TiffMovieWriter(const std::string& path, FrameShape shape, PixelType pixel_type, bool bigtiff = false,
                  const std::string& description = "");
  ~TiffMovieWriter();  // closes the file if close() was not called
  TiffMovieWriter(const TiffMovieWriter&) = delete;
  TiffMovieWriter& operator=(const TiffMovieWriter&) = delete;

  // Appends one page; the frame's shape and type must be the writer's.
  void append(AnyFrameView frame);
  // Flushes and closes; throws on a write error.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes one image, row-major `shape`, as a single-page float32 TIFF.
void write_tiff_float32(const std::string& path, FrameShape shape, std::span<const double> pixels);

}  // namespace calmon::io
