// scanimage_writer.h — writes TIFF files laid out as ScanImage writes them, one page at a time, as a rig would.
//
// Test data we make ourselves (docs/follow.md#scanimage-files): a little-endian classic
// TIFF or BigTIFF whose TIFF header is followed by ScanImage's static header (magic
// 117637889, version 3, the byte counts of the "SI.xxx = value" text and of the ROI-group
// JSON, then both texts), and whose pages are uint16, one strip each, with the per-frame
// lines in ImageDescription and the static text in Software (tag 305, pointing at the
// header's copy) and the ROI JSON in Artist (tag 315), as ScanImage does. Each page's
// description has the same 512 bytes (padded with spaces), so pages are equally far apart.
//
// append() adds one page with plain write(2) calls, so a reader of the file sees it grow
// page by page. The order of its writes is a choice (PageOrder): by default the page's
// description and pixels first, then its IFD, and last the 4- or 8-byte link from the
// previous IFD (or the header) to it — a reader walking the chain never meets a page
// whose bytes are not all there. kIfdFirst links the IFD before the pixels are written,
// the order of the sections in ScanImage's published layout, so a follower meets pages
// whose strips are not on disk yet. Between two halves of a page's pixels a callback may
// pause (the half-written page tests).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/frame_view.h"

namespace calmon::rig_sim {

enum class PageOrder { kDataFirst, kIfdFirst };

class ScanImageTiffFile {
 public:
  // Creates (truncates) `path` and writes the TIFF header and ScanImage's static header.
  // Throws calmon::Error naming the path on any failed write.
  ScanImageTiffFile(const std::string& path, bool bigtiff, const std::string& header_text, const std::string& roi_json,
                    PageOrder order = PageOrder::kDataFirst);
  ~ScanImageTiffFile();
  ScanImageTiffFile(const ScanImageTiffFile&) = delete;
  ScanImageTiffFile& operator=(const ScanImageTiffFile&) = delete;

  // Appends one page; `mid_page` (if set) is called after the first half of its pixels.
  void append(FrameView<std::uint16_t> frame, const std::string& description,
              const std::function<void()>& mid_page = nullptr);
  void close();

  std::int64_t pages() const { return pages_; }
  const std::string& path() const { return path_; }

 private:
  void write_at(std::uint64_t offset, const void* bytes, std::size_t size);
  std::uint64_t append_bytes(const void* bytes, std::size_t size);  // at the end; returns where
  void pad_to_8();

  std::string path_;
  bool bigtiff_;
  PageOrder order_;
  int fd_ = -1;
  std::uint64_t end_ = 0;          // bytes written so far
  std::uint64_t link_offset_ = 0;  // where the next IFD's offset goes: the header's or the last IFD's field
  std::uint64_t header_text_offset_ = 0;
  std::uint64_t header_text_bytes_ = 0;  // with its NUL
  std::uint64_t roi_offset_ = 0;
  std::uint64_t roi_bytes_ = 0;
  std::int64_t pages_ = 0;
};

// What one ScanImage-style acquisition looks like, for the metadata texts below.
struct ScanImageAcquisition {
  int channels = 1;  // saved channels, numbered 1..channels
  int planes = 1;    // slices per volume (fast z when > 1)
  std::int64_t volumes = 1;
  double volume_rate_hz = 30;
  std::int64_t frames_per_file = 0;  // 0: no rollover
  FrameShape shape;
  int acquisition_number = 1;

  double frame_rate_hz() const { return volume_rate_hz * planes; }
  // One frame is every saved channel of one plane; frames are counted over the acquisition.
  std::int64_t frames() const { return volumes * planes; }
};

// The "SI.xxx = value" lines: channels saved, slices, frames per slice, volumes, rates,
// frames per file, fast z — keys and MATLAB forms as ScanImage writes them.
std::string scanimage_header_text(const ScanImageAcquisition& acquisition);
// The ROI-group JSON of the static header and Artist tag: one ROI covering the frame.
std::string scanimage_roi_json(const ScanImageAcquisition& acquisition);
// Page description of frame `frame` (0-based over the acquisition) taken at `timestamp_s`.
std::string scanimage_frame_description(const ScanImageAcquisition& acquisition, std::int64_t frame, double timestamp_s,
                                        const std::string& epoch);
// "NAME_00001_00002.tif" (acquisition 1, its 2nd file) with rollover, "NAME_00001.tif" without.
std::string scanimage_file_name(const std::string& stem, const ScanImageAcquisition& acquisition, int file_index);

}  // namespace calmon::rig_sim
