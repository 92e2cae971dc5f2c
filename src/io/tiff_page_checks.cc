// tiff_page_checks.cc — every page checked against the limits, the first page and its own tags.
//
// Before the first frame is used, each page's pixel type, size and codec are checked (a
// frame over the limit is never allocated, whatever its tags claim), and its strips or
// tiles against its own tags as the file stores them (tiff_strile_table.h: libtiff's view
// is repaired): as many as ImageLength, RowsPerStrip or the tile size need, none empty or
// overlapping the file's header, all inside the file, and each large enough for the rows
// it must hold (uncompressed, or with a codec whose expansion is bounded:
// tiff_codec_expansion.h). So a bad or truncated page is reported at once, and a page
// never shows other bytes of the file as pixels.
#include <algorithm>
#include <climits>
#include <optional>

#include "io/tiff_codec_expansion.h"
#include "io/tiff_movie_reader_impl.h"
#include "io/tiff_strile_table.h"

namespace calmon::io {

using detail::ceil_div;
using detail::codec_name;
using detail::count_of;
using detail::describe_size;
using detail::PageFormat;
using detail::StrileTable;
using detail::whole_mib;

void TiffMovieReader::Impl::check_page_format(std::int64_t page, const PageFormat& format) const {
  if (format.samples_per_pixel != 1) {
    fail(page_name(page) + " has " + std::to_string(format.samples_per_pixel) +
         " samples per pixel (RGB?); calmon reads single-channel pages");
  }
  const std::optional<PixelType> type = detail::pixel_type_of_page(format);
  if (!type) {
    fail(page_name(page) + " has " + detail::describe_samples(format) +
         " pixels; calmon reads uint8, uint16, int16, uint32, float32 or float64");
  }
  if (format.width == 0 || format.height == 0 || format.width > INT_MAX ||
      format.height > INT_MAX) {
    fail(page_name(page) + " has an unusable size " + describe_size(format.width, format.height));
  }
  const std::uint64_t frame_bytes_of_page =
      std::uint64_t{format.width} * format.height * bytes_per_pixel(*type);
  if (frame_bytes_of_page > max_frame_bytes) {
    fail(page_name(page) + " is " + describe_size(format.width, format.height) + " " +
         std::string(pixel_type_name(*type)) + ", " + whole_mib(frame_bytes_of_page) +
         " of pixels; the limit is " + format_mib(max_frame_bytes) + " (--max-frame-mib)");
  }
  if (!TIFFIsCODECConfigured(format.compression)) {
    fail(page_name(page) + " uses " + codec_name(format.compression) +
         ", which this build of libtiff cannot decode");
  }
  if (page == 0) return;
  if (format.width != first_format.width || format.height != first_format.height) {
    fail(page_name(page) + " is " + describe_size(format.width, format.height) +
         ", the first page is " + describe_size(first_format.width, first_format.height));
  }
  if (*type != info.pixel_type) {
    fail(page_name(page) + " is " + std::string(pixel_type_name(*type)) + ", the first page is " +
         std::string(pixel_type_name(info.pixel_type)));
  }
}

// The page's strips or tiles, as its IFD lists them, against what its size needs.
void TiffMovieReader::Impl::check_page_data(std::int64_t page, const PageFormat& format) const {
  // `text` follows the page's name: " has ...", ": strip 3 ...".
  const auto problem = [&](const std::string& text) {
    fail(page_name(page) + text +
         (format.libtiff_said.empty() ? "" : " (libtiff: " + format.libtiff_said + ")"));
  };
  const std::string noun = format.tiled ? "tile" : "strip";
  const std::string offsets_tag = format.tiled ? "TileOffsets" : "StripOffsets";
  const std::string counts_tag = format.tiled ? "TileByteCounts" : "StripByteCounts";
  StrileTable table;
  try {
    const detail::TiffLayout layout{info.bigtiff, TIFFIsByteSwapped(tiff.get()) != 0};
    table = detail::read_strile_table(
        [this](std::uint64_t offset, std::byte* out, std::size_t size) {
          return file.read_at(offset, out, size);
        },
        layout, page_ifd_offsets[static_cast<std::size_t>(page)], format.tiled);
  } catch (const Error& e) {
    problem(std::string(": ") + e.what());
  }
  if (!table.offsets) problem(" has no " + offsets_tag + " tag");
  if (!table.byte_counts) problem(" has no " + counts_tag + " tag");

  // How many strips or tiles the page's size needs, and the rows and columns of each
  // (calmon reads one sample per pixel: one plane, whatever the planar configuration).
  const std::uint64_t width = format.width;
  const std::uint64_t height = format.height;
  std::uint64_t rows = format.tile_height;  // of each strip or tile (the last strip: fewer)
  std::uint64_t columns = format.tile_width;
  std::uint64_t needed = 0;
  std::string because;
  const std::uint64_t pixel_bytes = format.bits_per_sample / 8u;
  const std::string pixel_type = std::string(pixel_type_name(*detail::pixel_type_of_page(format)));
  if (format.tiled) {
    if (rows == 0 || columns == 0) {
      problem(" has tiles of " + describe_size(format.tile_width, format.tile_height));
    }
    if (rows * columns > max_frame_bytes / pixel_bytes) {  // one tile is decoded at a time
      problem(" has tiles of " + describe_size(format.tile_width, format.tile_height) + " " +
              pixel_type + ", " + whole_mib(rows * columns * pixel_bytes) +
              " each; the limit is " + format_mib(max_frame_bytes) + " (--max-frame-mib)");
    }
    needed = ceil_div(width, columns) * ceil_div(height, rows);
    because = describe_size(format.width, format.height) + " pixels in " +
              describe_size(format.tile_width, format.tile_height) + " tiles need " +
              count_of(needed, noun);
  } else {
    if (format.rows_per_strip == 0) problem(" has RowsPerStrip 0");
    rows = std::min<std::uint64_t>(format.rows_per_strip, height);
    columns = width;
    needed = ceil_div(height, rows);
    because = "ImageLength " + std::to_string(height) + " with RowsPerStrip " +
              std::to_string(format.rows_per_strip) + " needs " + count_of(needed, noun);
  }
  if (format.planar_config == PLANARCONFIG_SEPARATE) needed *= format.samples_per_pixel;
  const auto entries = [](std::size_t n) {
    return n == 1 ? std::string("1 entry") : std::to_string(n) + " entries";
  };
  if (table.offsets->size() != needed) {
    problem(" has " + entries(table.offsets->size()) + " in " + offsets_tag + "; " + because);
  }
  if (table.byte_counts->size() != needed) {
    problem(" has " + entries(table.byte_counts->size()) + " in " + counts_tag + "; " + because);
  }
  if (format.libtiff_striles != needed) {  // never, unless libtiff reads the tags otherwise
    problem(": libtiff counts " + count_of(format.libtiff_striles, noun) + ", its tags say " +
            std::to_string(needed));
  }

  const std::uint64_t header_bytes = info.bigtiff ? 16 : 8;
  const std::optional<std::uint64_t> expansion =
      detail::max_decoded_bytes_per_byte(format.compression);
  for (std::uint64_t i = 0; i < needed; ++i) {
    const std::uint64_t offset = (*table.offsets)[i];
    const std::uint64_t bytes = (*table.byte_counts)[i];
    const std::string strile = ": " + noun + " " + std::to_string(i);
    if (bytes == 0) problem(strile + " is empty (" + counts_tag + " 0)");
    if (offset < header_bytes) {
      problem(strile + " starts at byte " + std::to_string(offset) + ", inside the file's header");
    }
    if (offset > file_size || bytes > file_size - offset) {
      problem(strile + " runs to byte " + std::to_string(offset + bytes) +
              ", past the end of the file at byte " + std::to_string(file_size) + " (truncated?)");
    }
    if (!expansion) continue;  // unbounded: the frame size limit and the decoder check the rest
    std::uint64_t strile_rows = rows;
    if (!format.tiled) {
      const std::uint64_t first_row = i % ceil_div(height, rows) * rows;
      strile_rows = std::min(rows, height - first_row);
    }
    const std::uint64_t needs = strile_rows * columns * pixel_bytes;  // <= the frame size limit
    if (bytes < ceil_div(needs, *expansion)) {  // bytes * expansion < needs, without overflow
      const std::string rows_need = "its " + count_of(strile_rows, "row") + " of " +
                                    std::to_string(columns) + " " + pixel_type + " pixels need " +
                                    std::to_string(needs);
      if (*expansion == 1) {
        problem(strile + " holds " + std::to_string(bytes) + " bytes; " + rows_need +
                " (BitsPerSample, ImageLength or RowsPerStrip wrong?)");
      } else {
        problem(strile + " holds " + std::to_string(bytes) + " bytes, " +
                codec_name(format.compression) + ", which decode to " +
                std::to_string(bytes * *expansion) + " bytes at most; " + rows_need +
                " (ImageWidth, ImageLength, BitsPerSample or RowsPerStrip wrong?)");
      }
    }
  }
}

}  // namespace calmon::io
