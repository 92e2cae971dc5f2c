// tiff_movie_reader.h — reads a multi-page TIFF movie one frame at a time with libtiff.
//
// Supports classic TIFF and BigTIFF, plain multi-page files, ImageJ hyperstacks
// (channels/slices/frames in the ImageJ description, pages in ImageJ's CZT order, and
// ImageJ's >4 GiB layout: one IFD followed by contiguous raw frames) and ScanImage files
// (the saved channels, planes and pages' order from the Software tag's SI.* lines, each
// page's frameTimestamps_sec from its description; io/scanimage_metadata.h). Pixel types:
// uint8, uint16, int16, uint32, float32, float64, one sample per pixel, any compression
// libtiff decodes. Only one frame is in memory at a time, and no frame larger than a
// limit (core/frame_size_limit.h: 64 MiB of pixels unless the program's --max-frame-mib
// says otherwise) is allocated: the tags of a corrupt or hostile file can claim any size.
// Every problem — a missing, truncated or corrupt file, a page whose strips or tiles do
// not cover it exactly inside the file or cannot hold its pixels, a frame over the limit,
// an unsupported pixel type, pages of differing size — is a calmon::Error with a one-line
// message naming the file and the page ("page 5 (the 6th of 10)"), with what libtiff said
// about it. libtiff's warnings are kept for the program to show (take_warnings()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/frame_size_limit.h"
#include "core/frame_view.h"
#include "io/scanimage_metadata.h"

namespace calmon::io {

struct TiffMovieInfo {
  FrameShape shape;
  PixelType pixel_type = PixelType::kU16;
  std::int64_t frames = 0;  // time points (T)
  int channels = 1;         // C (ImageJ hyperstacks, ScanImage's saved channels; 1 otherwise)
  int slices = 1;           // Z (ImageJ hyperstacks, ScanImage's planes; 1 otherwise)
  bool bigtiff = false;
  bool imagej = false;
  bool scanimage = false;
};

class TiffMovieReader {
 public:
  // Opens `path` and checks its layout, every page's frame against `max_frame_bytes`
  // (bytes of pixels) before anything is allocated for it; throws calmon::Error on any problem.
  explicit TiffMovieReader(const std::string& path, std::size_t max_frame_bytes = kDefaultMaxFrameBytes);
  ~TiffMovieReader();
  TiffMovieReader(const TiffMovieReader&) = delete;
  TiffMovieReader& operator=(const TiffMovieReader&) = delete;

  const TiffMovieInfo& info() const;

  // Decodes time point `t` (of `channel`, `slice`) and returns a view of it, valid until
  // the next call. Throws calmon::Error on a page that cannot be decoded or whose
  // size or type differs from the first page.
  AnyFrameView read(std::int64_t t, int channel = 0, int slice = 0);

  // ScanImage files only (info().scanimage; calmon::Error otherwise). The acquisition's
  // settings; each page's frame lines, in file order; and the acquisition's timestamp
  // (frameTimestamps_sec) of read(t, channel, slice)'s page. A file after a rollover starts
  // inside the acquisition: its t = 0 is the acquisition's time point first_time_point(),
  // the first whose every channel and plane lies in this file (pages of a time point split
  // between two files are in neither file's frames).
  const ScanImageHeader& scanimage_header() const;
  const std::vector<ScanImageFrameInfo>& scanimage_frames() const;
  double timestamp_s(std::int64_t t, int channel = 0, int slice = 0) const;
  std::int64_t first_time_point() const;

  // The first page's ImageDescription ("" if it has none): ImageJ's key=value lines,
  // ScanImage's frame lines, or whatever the writer put there.
  const std::string& description() const;

  // The warnings libtiff gave about this file since the last call (opening reads every
  // page's tags, read() decodes): each distinct text once, at most ten, then one line
  // saying further ones are not shown. For the program to print.
  std::vector<std::string> take_warnings();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace calmon::io
