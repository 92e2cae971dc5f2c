// tiff_movie_reader_impl.h — the TIFF reader's state, shared by the files that carry out its steps.
//
// TiffMovieReader keeps everything behind one Impl. Its work falls into three steps, each
// in a file of its own: finding the pages (tiff_page_directory.cc: the file's header, the
// chain of IFDs, the ImageJ layout), checking every page against the limits and the first
// page (tiff_page_checks.cc), and decoding one page into the frame buffer
// (tiff_frame_decoding.cc). tiff_movie_reader.cc is the public face that runs them.
// Every problem goes through fail(), so every message starts with the file's path.
//
// Internal to src/io: the public headers do not expose libtiff.
#pragma once

#include <tiffio.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/libtiff_handle.h"
#include "io/read_only_file.h"
#include "io/scanimage_metadata.h"
#include "io/tiff_message_words.h"
#include "io/tiff_movie_reader.h"
#include "io/tiff_page_format.h"

namespace calmon::io {

struct TiffMovieReader::Impl {
  std::string path;
  std::size_t max_frame_bytes;
  detail::LibtiffMessages messages;  // declared before `tiff`: it must outlive the handle
  detail::ReadOnlyFile file;
  std::uint64_t file_size = 0;
  detail::TiffHandle tiff;
  TiffMovieInfo info;
  std::string first_description;  // page 0's ImageDescription, "" if none
  detail::PageFormat first_format;
  std::size_t frame_bytes = 0;
  std::vector<toff_t> page_ifd_offsets;  // where each page's IFD is
  std::int64_t page_count = 0;           // pages in ImageJ's CZT order (== IFDs, except below)
  std::int64_t loaded_page = -1;         // the page whose IFD libtiff has loaded, -1 if none
  // ImageJ's >4 GiB layout: one IFD, pages stored raw one after the other from here.
  bool contiguous_pages = false;
  std::uint64_t first_page_data_offset = 0;
  // ScanImage files (tiff_scanimage_layout.cc): the acquisition's header from the first
  // page's Software tag, each page's frame lines, and where this file lies in the series.
  std::optional<ScanImageHeader> scanimage;
  std::vector<ScanImageFrameInfo> scanimage_frames;  // one per page, in file order
  std::int64_t scanimage_first_page = 0;             // the series' page index of this file's first page
  std::int64_t scanimage_first_time_point = 0;       // the series' time point of this file's t = 0
  std::vector<std::byte> frame;                      // the frame read() returns a view of
  std::vector<std::byte> tile;                       // one decoded tile of a tiled page

  Impl(const std::string& path_, std::size_t max_frame_bytes_)
      : path(path_), max_frame_bytes(max_frame_bytes_), file(path_) {}

  [[noreturn]] void fail(const std::string& problem) const { throw Error(path + ": " + problem); }
  // Like fail(), with what libtiff said about it appended.
  [[noreturn]] void fail_with_libtiff(const std::string& problem) {
    const std::string said = messages.take();
    fail(said.empty() ? problem : problem + ": " + said);
  }

  // "page 5 (the 6th of 10)"; "page 5 (the 6th)" while the pages are still being counted.
  std::string page_name(std::int64_t page) const {
    const std::string total = page_count > 0 ? " of " + std::to_string(page_count) : "";
    return "page " + std::to_string(page) + " (the " + detail::ordinal(static_cast<std::uint64_t>(page) + 1) + total +
           ")";
  }

  // Finding the pages (tiff_page_directory.cc).
  void check_file_looks_like_tiff();
  void open_with_libtiff();
  std::vector<detail::PageFormat> walk_pages(std::string& first_description);
  void check_last_ifd_is_whole();
  void lay_out_pages(const std::string& first_description, std::int64_t ifd_count);
  void check_contiguous_layout(std::int64_t images);
  void load_page(std::int64_t page);
  // Throws if (t, channel, slice) is outside the movie.
  void check_position(std::int64_t t, int channel, int slice) const;
  // The page of (t, channel, slice) in this file, in ImageJ's or ScanImage's order.
  std::int64_t page_of(std::int64_t t, int channel, int slice) const;

  // ScanImage's layout (tiff_scanimage_layout.cc).
  void read_scanimage_header(const std::string& first_description);
  void read_scanimage_frame(std::int64_t page);
  void lay_out_scanimage_pages(std::int64_t ifd_count);

  // Checking each page against the limits and the first page (tiff_page_checks.cc).
  void check_page_format(std::int64_t page, const detail::PageFormat& format) const;
  void check_page_data(std::int64_t page, const detail::PageFormat& format) const;

  // Decoding one page into `frame` (tiff_frame_decoding.cc).
  void decode_strips(std::int64_t page);
  void decode_tiles(std::int64_t page);
  void read_contiguous_page(std::int64_t page);
};

}  // namespace calmon::io
