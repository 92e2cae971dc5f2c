// tiff_page_directory.cc — where a TIFF movie's pages are: its header, its chain of IFDs, ImageJ's layout.
//
// Opening walks the chain of IFDs once (tags only, no pixel data) and records where
// every page's IFD is, so that a read jumps straight to any page (TIFFSetSubDirectory)
// instead of walking the chain again. The first page's ImageJ description, if any, gives
// the hyperstack's C, Z and T and tells whether the file uses ImageJ's >4 GiB layout (one
// IFD, the other frames stored raw right after the first).
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "io/imagej_description.h"
#include "io/tiff_movie_reader_impl.h"

namespace calmon::io {

using detail::ImageJCounts;
using detail::PageFormat;

void TiffMovieReader::Impl::check_file_looks_like_tiff() {
  if (!file.is_open()) fail(std::string("cannot open: ") + std::strerror(file.open_errno()));
  struct stat status {};
  if (::fstat(file.fd(), &status) != 0) fail(std::string("cannot stat: ") + std::strerror(errno));
  if (S_ISDIR(status.st_mode)) fail("is a directory, not a TIFF file");
  if (status.st_size == 0) fail("is empty, not a TIFF file");
  file_size = static_cast<std::uint64_t>(status.st_size);
  std::byte header[4] = {};
  if (status.st_size < 8 || !file.read_at(0, header, sizeof header)) {
    fail("is too short to be a TIFF file (" + std::to_string(status.st_size) + " bytes)");
  }
  const auto byte = [&](int i) { return static_cast<unsigned char>(header[i]); };
  const bool little = byte(0) == 'I' && byte(1) == 'I' && byte(3) == 0 && (byte(2) == 42 || byte(2) == 43);
  const bool big = byte(0) == 'M' && byte(1) == 'M' && byte(2) == 0 && (byte(3) == 42 || byte(3) == 43);
  if (!little && !big) fail("is not a TIFF file (no TIFF header at its start)");
}

void TiffMovieReader::Impl::open_with_libtiff() {
  // "m": no memory mapping, so a file that shrinks while open gives a read error, not SIGBUS.
  // "c": no strip chopping, so that libtiff's strips are the ones the file's tags describe.
  tiff = detail::open_tiff(path, "rmc", messages);
  if (!tiff) fail_with_libtiff("cannot be read as a TIFF file");
  info.bigtiff = TIFFIsBigTIFF(tiff.get()) != 0;
}

// Visits every IFD once, recording its offset and format.
std::vector<PageFormat> TiffMovieReader::Impl::walk_pages(std::string& first_description) {
  std::vector<PageFormat> formats;
  char* description = nullptr;
  if (TIFFGetField(tiff.get(), TIFFTAG_IMAGEDESCRIPTION, &description) && description != nullptr) {
    first_description = description;
  }
  read_scanimage_header(first_description);
  while (true) {
    page_ifd_offsets.push_back(TIFFCurrentDirOffset(tiff.get()));
    if (scanimage) read_scanimage_frame(static_cast<std::int64_t>(formats.size()));
    formats.push_back(detail::read_page_format(tiff.get()));
    formats.back().libtiff_said = messages.take();
    if (TIFFLastDirectory(tiff.get())) break;
    if (!TIFFReadDirectory(tiff.get())) {
      fail_with_libtiff(page_name(static_cast<std::int64_t>(formats.size())) +
                        " cannot be read (truncated or corrupt file?)");
    }
  }
  loaded_page = static_cast<std::int64_t>(formats.size()) - 1;
  check_last_ifd_is_whole();
  return formats;
}

// libtiff reads a next-IFD offset cut off by the end of the file as 0, "no more
// pages", so a file truncated right after an IFD's entries would look whole.
void TiffMovieReader::Impl::check_last_ifd_is_whole() {
  const std::uint64_t offset = page_ifd_offsets.back();
  const std::size_t count_bytes = info.bigtiff ? 8 : 2;
  std::byte count_field[8] = {};
  if (!file.read_at(offset, count_field, count_bytes)) {
    fail("the file ends inside the last page's IFD (truncated?)");
  }
  if (TIFFIsByteSwapped(tiff.get())) std::reverse(count_field, count_field + count_bytes);
  std::uint64_t entries = 0;
  for (std::size_t i = count_bytes; i-- > 0;) {
    entries = (entries << 8) | static_cast<unsigned char>(count_field[i]);
  }
  const std::uint64_t end = info.bigtiff ? offset + 8 + entries * 20 + 8 : offset + 2 + entries * 12 + 4;
  if (end > file_size) {
    fail("the file ends inside the IFD of page " + std::to_string(page_ifd_offsets.size() - 1) + " (truncated?)");
  }
}

// Sets frames/channels/slices and the page layout from the IFD count and the first
// page's description.
void TiffMovieReader::Impl::lay_out_pages(const std::string& first_description, std::int64_t ifd_count) {
  page_count = ifd_count;
  info.frames = ifd_count;
  if (!detail::is_imagej_description(first_description)) {
    if (scanimage) lay_out_scanimage_pages(ifd_count);
    return;
  }
  info.imagej = true;
  const ImageJCounts counts =
      detail::parse_imagej_counts(first_description, [this](const std::string& problem) { fail(problem); });
  const std::int64_t channels = counts.channels.value_or(1);
  const std::int64_t slices = counts.slices.value_or(1);
  if (channels > INT_MAX || slices > INT_MAX) {
    fail("ImageJ description has too many channels or slices");
  }
  const std::int64_t per_time_point = channels * slices;  // < 2^62: no overflow
  const std::string c_times_z = "channels=" + std::to_string(channels) + " x slices=" + std::to_string(slices);
  std::int64_t images = ifd_count;
  if (counts.images) {
    images = *counts.images;
  } else if (counts.frames) {
    if (__builtin_mul_overflow(per_time_point, *counts.frames, &images)) {
      fail("ImageJ description has an impossible number of frames");
    }
  }
  if (images % per_time_point != 0) {
    fail("ImageJ description says images=" + std::to_string(images) + ", not a multiple of " + c_times_z);
  }
  const std::int64_t frames = counts.frames.value_or(images / per_time_point);
  if (frames != images / per_time_point) {
    fail("ImageJ description says images=" + std::to_string(images) + " but " + c_times_z +
         " x frames=" + std::to_string(frames));
  }
  info.channels = static_cast<int>(channels);
  info.slices = static_cast<int>(slices);
  info.frames = frames;
  page_count = images;
  if (ifd_count == 1 && images > 1) {
    check_contiguous_layout(images);
  } else if (ifd_count != images) {
    fail("ImageJ description says images=" + std::to_string(images) + " but the file has " + std::to_string(ifd_count) +
         " pages");
  }
}

void TiffMovieReader::Impl::check_contiguous_layout(std::int64_t images) {
  const std::string layout = "ImageJ description says images=" + std::to_string(images) + " stored after the only IFD";
  if (first_format.compression != COMPRESSION_NONE || first_format.tiled) {
    fail(layout + ", but the first page is " + (first_format.tiled ? "tiled" : "compressed") +
         "; calmon reads that layout only uncompressed and striped");
  }
  TIFF* t = tiff.get();
  first_page_data_offset = TIFFGetStrileOffset(t, 0);
  std::uint64_t next = first_page_data_offset;
  for (std::uint32_t strip = 0; strip < TIFFNumberOfStrips(t); ++strip) {
    if (TIFFGetStrileOffset(t, strip) != next) {
      fail(layout + ", but the first page's strips are not contiguous");
    }
    next += TIFFGetStrileByteCount(t, strip);
  }
  if (next - first_page_data_offset != frame_bytes) {
    fail(layout + ", but the first page's strips hold " + std::to_string(next - first_page_data_offset) +
         " bytes, not the " + std::to_string(frame_bytes) + " of one frame");
  }
  struct stat status {};
  if (::fstat(file.fd(), &status) != 0) fail(std::string("cannot stat: ") + std::strerror(errno));
  const std::uint64_t needed = first_page_data_offset + static_cast<std::uint64_t>(images) * frame_bytes;
  if (static_cast<std::uint64_t>(status.st_size) < needed) {
    const std::uint64_t complete = (static_cast<std::uint64_t>(status.st_size) - first_page_data_offset) / frame_bytes;
    fail(layout + ", but the file ends after " + std::to_string(complete) + " of them (truncated?)");
  }
  contiguous_pages = true;
}

void TiffMovieReader::Impl::load_page(std::int64_t page) {
  if (loaded_page == page) return;
  loaded_page = -1;
  if (!TIFFSetSubDirectory(tiff.get(), page_ifd_offsets[static_cast<std::size_t>(page)])) {
    fail_with_libtiff(page_name(page) + " cannot be read (truncated or corrupt file?)");
  }
  check_page_format(page, detail::read_page_format(tiff.get()));
  loaded_page = page;
}

}  // namespace calmon::io
