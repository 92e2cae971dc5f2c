// growing_tiff.h — the pages of a multi-page TIFF that another process is still appending to.
//
// An acquisition program (ScanImage, or any libtiff writer) appends a page by writing its
// pixel data and its IFD at the end of the file, then linking that IFD from the previous
// one (or from the header). A page is complete when its IFD is linked AND the IFD's
// entries, its next-IFD field, its StripOffsets/StripByteCounts arrays and all its
// strips lie within the file's current size, and the IFD is no longer zeros (a writer may
// link an IFD or extend the file past it before writing it); until then poll() leaves it
// alone and looks again next time, so a half-written page is never read. Only the IFDs and the pages'
// strips are read (pread at offsets, io/read_only_file.h; the strip arrays through
// io/tiff_strile_table.h), never the whole file. Classic TIFF and BigTIFF, either byte
// order, uncompressed strips, one sample per pixel of calmon's pixel types.
//
// Errors are calmon::Error, one line naming the file: not a TIFF, a page calmon cannot
// read (compressed, tiled, ...), a frame size or pixel type that changes mid-series, a
// frame over the size limit. finish() is for when the writer is known to be gone: a
// last page that is still incomplete then is reported ("page N is incomplete: ...").
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/frame_size_limit.h"
#include "core/frame_view.h"

namespace calmon::io {
namespace detail {
class ReadOnlyFile;
}

struct GrowingTiffPage {
  std::int64_t index = 0;  // the page's number in its file, from 0
  FrameShape shape;
  PixelType pixel_type = PixelType::kU16;
  std::vector<std::byte> pixels;  // row-major, host byte order
  std::string description;        // the page's ImageDescription, empty if none (ScanImage's per-frame metadata)
  std::string software;           // the page's Software tag, empty if none (ScanImage's acquisition settings)
};

class GrowingTiff {
 public:
  // Nothing is read yet; the file may not exist yet either (poll() waits for it).
  explicit GrowingTiff(std::string path, std::size_t max_frame_bytes = kDefaultMaxFrameBytes);
  ~GrowingTiff();
  GrowingTiff(const GrowingTiff&) = delete;
  GrowingTiff& operator=(const GrowingTiff&) = delete;

  // The pages that became complete since the last call, in file order, at most
  // `max_pages`. Throws calmon::Error as described above.
  std::vector<GrowingTiffPage> poll(std::size_t max_pages = SIZE_MAX);

  // The writer is gone: throws calmon::Error "page N is incomplete: ..." if the file holds
  // the beginning of a page that poll() could not read (call poll() first), or if the
  // file never became a TIFF. Does nothing if every page was complete.
  void finish();

  const std::string& path() const { return path_; }
  std::int64_t pages_read() const { return pages_read_; }
  // The file's size at the last poll (0 before it exists).
  std::uint64_t size_seen() const { return size_seen_; }

 private:
  struct Format {
    FrameShape shape;
    PixelType pixel_type;
  };
  enum class Step { kPage, kWait };

  bool read_header();
  Step read_next_page(std::vector<GrowingTiffPage>& pages);
  [[noreturn]] void fail(const std::string& problem) const;

  std::string path_;
  std::size_t max_frame_bytes_;
  std::unique_ptr<detail::ReadOnlyFile> file_;  // null until the file exists
  std::uint64_t size_seen_ = 0;
  bool header_read_ = false;
  bool bigtiff_ = false;
  bool byte_swapped_ = false;
  std::uint64_t link_position_ = 0;  // where the offset of the next IFD is (header or last IFD)
  std::int64_t pages_read_ = 0;
  std::uint64_t last_ifd_offset_ = 0;
  std::uint64_t end_of_pages_ = 0;  // the end of the furthest byte any complete page uses (IFD, arrays, strips)
  std::optional<Format> format_;
  std::string waiting_for_;  // why the next page is not complete yet; empty if no page is begun
};

}  // namespace calmon::io
