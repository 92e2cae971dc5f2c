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
#include <functional>
#include <optional>
#include <string>

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

namespace {

// Reports a problem with a page's data and throws; `text` follows the page's name
// (" has ...", ": strip 3 ...").
using PageProblem = std::function<void(const std::string& text)>;

// The words for a page's strips or tiles and for the tags that locate them.
struct StrileWords {
  explicit StrileWords(bool tiled)
      : noun(tiled ? "tile" : "strip"),
        offsets_tag(tiled ? "TileOffsets" : "StripOffsets"),
        counts_tag(tiled ? "TileByteCounts" : "StripByteCounts") {}
  std::string noun;
  std::string offsets_tag;
  std::string counts_tag;
};

// What a page's size needs: how many strips or tiles, the rows and columns of each
// (the last strip: fewer), why, and the pixels they hold.
struct StrileNeeds {
  std::uint64_t count = 0;
  std::uint64_t rows = 0;
  std::uint64_t columns = 0;
  std::string because;
  std::uint64_t pixel_bytes = 0;
  std::string pixel_type;
};

// calmon reads one sample per pixel: one plane, whatever the planar configuration.
StrileNeeds strile_needs(const PageFormat& format, const StrileWords& words, std::size_t max_frame_bytes,
                         const PageProblem& problem) {
  StrileNeeds needs;
  const std::uint64_t width = format.width;
  const std::uint64_t height = format.height;
  needs.rows = format.tile_height;
  needs.columns = format.tile_width;
  needs.pixel_bytes = format.bits_per_sample / 8u;
  needs.pixel_type = std::string(pixel_type_name(*detail::pixel_type_of_page(format)));
  if (format.tiled) {
    if (needs.rows == 0 || needs.columns == 0) {
      problem(" has tiles of " + describe_size(format.tile_width, format.tile_height));
    }
    if (needs.rows * needs.columns > max_frame_bytes / needs.pixel_bytes) {  // one tile is decoded at a time
      problem(" has tiles of " + describe_size(format.tile_width, format.tile_height) + " " + needs.pixel_type + ", " +
              whole_mib(needs.rows * needs.columns * needs.pixel_bytes) + " each; the limit is " +
              format_mib(max_frame_bytes) + " (--max-frame-mib)");
    }
    needs.count = ceil_div(width, needs.columns) * ceil_div(height, needs.rows);
    needs.because = describe_size(format.width, format.height) + " pixels in " +
                    describe_size(format.tile_width, format.tile_height) + " tiles need " +
                    count_of(needs.count, words.noun);
  } else {
    if (format.rows_per_strip == 0) problem(" has RowsPerStrip 0");
    needs.rows = std::min<std::uint64_t>(format.rows_per_strip, height);
    needs.columns = width;
    needs.count = ceil_div(height, needs.rows);
    needs.because = "ImageLength " + std::to_string(height) + " with RowsPerStrip " +
                    std::to_string(format.rows_per_strip) + " needs " + count_of(needs.count, words.noun);
  }
  if (format.planar_config == PLANARCONFIG_SEPARATE) needs.count *= format.samples_per_pixel;
  return needs;
}

// The page's offsets and byte counts list as many entries as its size needs.
void check_strile_counts(const StrileTable& table, const PageFormat& format, const StrileWords& words,
                         const StrileNeeds& needs, const PageProblem& problem) {
  const auto entries = [](std::size_t n) { return n == 1 ? std::string("1 entry") : std::to_string(n) + " entries"; };
  if (table.offsets->size() != needs.count) {
    problem(" has " + entries(table.offsets->size()) + " in " + words.offsets_tag + "; " + needs.because);
  }
  if (table.byte_counts->size() != needs.count) {
    problem(" has " + entries(table.byte_counts->size()) + " in " + words.counts_tag + "; " + needs.because);
  }
  if (format.libtiff_striles != needs.count) {  // never, unless libtiff reads the tags otherwise
    problem(": libtiff counts " + count_of(format.libtiff_striles, words.noun) + ", its tags say " +
            std::to_string(needs.count));
  }
}

// Where a page's pixel data may lie in its file.
struct FileBounds {
  std::uint64_t header_bytes = 0;
  std::uint64_t file_size = 0;
};

// Strip or tile i is not empty, lies inside the file after its header, and is large
// enough for its rows if the codec's expansion is bounded.
void check_strile(std::uint64_t i, const StrileTable& table, const PageFormat& format, const StrileWords& words,
                  const StrileNeeds& needs, FileBounds bounds, const PageProblem& problem) {
  const std::uint64_t offset = (*table.offsets)[i];
  const std::uint64_t bytes = (*table.byte_counts)[i];
  const std::string strile = ": " + words.noun + " " + std::to_string(i);
  if (bytes == 0) problem(strile + " is empty (" + words.counts_tag + " 0)");
  if (offset < bounds.header_bytes) {
    problem(strile + " starts at byte " + std::to_string(offset) + ", inside the file's header");
  }
  if (offset > bounds.file_size || bytes > bounds.file_size - offset) {
    problem(strile + " runs to byte " + std::to_string(offset + bytes) + ", past the end of the file at byte " +
            std::to_string(bounds.file_size) + " (truncated?)");
  }
  const std::optional<std::uint64_t> expansion = detail::max_decoded_bytes_per_byte(format.compression);
  if (!expansion) return;  // unbounded: the frame size limit and the decoder check the rest
  std::uint64_t strile_rows = needs.rows;
  if (!format.tiled) {
    const std::uint64_t first_row = i % ceil_div(format.height, needs.rows) * needs.rows;
    strile_rows = std::min<std::uint64_t>(needs.rows, format.height - first_row);
  }
  const std::uint64_t needed = strile_rows * needs.columns * needs.pixel_bytes;  // <= the frame size limit
  if (bytes >= ceil_div(needed, *expansion)) return;  // bytes * expansion >= needed, without overflow
  const std::string rows_need = "its " + count_of(strile_rows, "row") + " of " + std::to_string(needs.columns) + " " +
                                needs.pixel_type + " pixels need " + std::to_string(needed);
  if (*expansion == 1) {
    problem(strile + " holds " + std::to_string(bytes) + " bytes; " + rows_need +
            " (BitsPerSample, ImageLength or RowsPerStrip wrong?)");
  } else {
    problem(strile + " holds " + std::to_string(bytes) + " bytes, " + codec_name(format.compression) +
            ", which decode to " + std::to_string(bytes * *expansion) + " bytes at most; " + rows_need +
            " (ImageWidth, ImageLength, BitsPerSample or RowsPerStrip wrong?)");
  }
}

}  // namespace

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
  if (format.width == 0 || format.height == 0 || format.width > INT_MAX || format.height > INT_MAX) {
    fail(page_name(page) + " has an unusable size " + describe_size(format.width, format.height));
  }
  const std::uint64_t frame_bytes_of_page = std::uint64_t{format.width} * format.height * bytes_per_pixel(*type);
  if (frame_bytes_of_page > max_frame_bytes) {
    fail(page_name(page) + " is " + describe_size(format.width, format.height) + " " +
         std::string(pixel_type_name(*type)) + ", " + whole_mib(frame_bytes_of_page) + " of pixels; the limit is " +
         format_mib(max_frame_bytes) + " (--max-frame-mib)");
  }
  if (!TIFFIsCODECConfigured(format.compression)) {
    fail(page_name(page) + " uses " + codec_name(format.compression) + ", which this build of libtiff cannot decode");
  }
  if (page == 0) return;
  if (format.width != first_format.width || format.height != first_format.height) {
    fail(page_name(page) + " is " + describe_size(format.width, format.height) + ", the first page is " +
         describe_size(first_format.width, first_format.height));
  }
  if (*type != info.pixel_type) {
    fail(page_name(page) + " is " + std::string(pixel_type_name(*type)) + ", the first page is " +
         std::string(pixel_type_name(info.pixel_type)));
  }
}

// The page's strips or tiles, as its IFD lists them, against what its size needs.
void TiffMovieReader::Impl::check_page_data(std::int64_t page, const PageFormat& format) const {
  const PageProblem problem = [&](const std::string& text) {
    fail(page_name(page) + text + (format.libtiff_said.empty() ? "" : " (libtiff: " + format.libtiff_said + ")"));
  };
  const StrileWords words(format.tiled);
  StrileTable table;
  try {
    const detail::TiffLayout layout{info.bigtiff, TIFFIsByteSwapped(tiff.get()) != 0};
    table = detail::read_strile_table(
        [this](std::uint64_t offset, std::byte* out, std::size_t size) { return file.read_at(offset, out, size); },
        layout, page_ifd_offsets[static_cast<std::size_t>(page)], format.tiled);
  } catch (const Error& e) {
    problem(std::string(": ") + e.what());
  }
  if (!table.offsets) problem(" has no " + words.offsets_tag + " tag");
  if (!table.byte_counts) problem(" has no " + words.counts_tag + " tag");
  const StrileNeeds needs = strile_needs(format, words, max_frame_bytes, problem);
  check_strile_counts(table, format, words, needs, problem);
  const FileBounds bounds{info.bigtiff ? 16u : 8u, file_size};
  for (std::uint64_t i = 0; i < needs.count; ++i) check_strile(i, table, format, words, needs, bounds, problem);
}

}  // namespace calmon::io
