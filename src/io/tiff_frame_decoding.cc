// tiff_frame_decoding.cc — one page decoded into the reader's frame buffer.
//
// Striped pages are decoded strip by strip straight into the frame, tiled ones tile by
// tile through one tile buffer, each tile's rows copied to their place; pages of ImageJ's
// >4 GiB layout are read with plain pread()s and byte-swapped by hand. Only the current
// frame is in memory, and read() reuses one buffer.
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/tiff_movie_reader_impl.h"

namespace calmon::io {
namespace {

void reverse_bytes_of_each_sample(std::byte* data, std::size_t byte_count, std::size_t sample_bytes) {
  if (sample_bytes <= 1) return;
  for (std::size_t i = 0; i + sample_bytes <= byte_count; i += sample_bytes) {
    std::reverse(data + i, data + i + sample_bytes);
  }
}

}  // namespace

void TiffMovieReader::Impl::decode_strips(std::int64_t page) {
  TIFF* t = tiff.get();
  const std::uint32_t height = first_format.height;
  const std::size_t row_bytes = static_cast<std::size_t>(first_format.width) * bytes_per_pixel(info.pixel_type);
  std::uint32_t rows_per_strip = 0;
  TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
  if (rows_per_strip == 0 || rows_per_strip > height) rows_per_strip = height;
  const std::uint32_t strips = (height + rows_per_strip - 1) / rows_per_strip;
  if (TIFFNumberOfStrips(t) < strips) {
    fail(page_name(page) + " has " + std::to_string(TIFFNumberOfStrips(t)) + " strips, " + std::to_string(strips) +
         " are needed for " + std::to_string(height) + " rows");
  }
  for (std::uint32_t strip = 0; strip < strips; ++strip) {
    const std::uint32_t first_row = strip * rows_per_strip;
    const std::uint32_t rows = std::min(rows_per_strip, height - first_row);
    const auto bytes = static_cast<tmsize_t>(rows * row_bytes);
    std::byte* out = frame.data() + first_row * row_bytes;
    if (TIFFReadEncodedStrip(t, strip, out, bytes) != bytes) {
      fail_with_libtiff(page_name(page) + ": strip " + std::to_string(strip) +
                        " cannot be decoded (truncated or corrupt file?)");
    }
  }
}

void TiffMovieReader::Impl::decode_tiles(std::int64_t page) {
  TIFF* t = tiff.get();
  std::uint32_t tile_width = 0;
  std::uint32_t tile_height = 0;
  TIFFGetField(t, TIFFTAG_TILEWIDTH, &tile_width);
  TIFFGetField(t, TIFFTAG_TILELENGTH, &tile_height);
  const tmsize_t tile_bytes = TIFFTileSize(t);
  const std::size_t pixel_bytes = bytes_per_pixel(info.pixel_type);
  if (tile_width == 0 || tile_height == 0 || tile_bytes <= 0 ||
      static_cast<std::size_t>(tile_bytes) != std::size_t{tile_width} * tile_height * pixel_bytes) {
    fail_with_libtiff(page_name(page) + " has unusable tiles of " + detail::describe_size(tile_width, tile_height));
  }
  tile.resize(static_cast<std::size_t>(tile_bytes));
  const std::uint32_t width = first_format.width;
  const std::uint32_t height = first_format.height;
  const std::size_t row_bytes = std::size_t{width} * pixel_bytes;
  for (std::uint32_t y0 = 0; y0 < height; y0 += tile_height) {
    for (std::uint32_t x0 = 0; x0 < width; x0 += tile_width) {
      const std::uint32_t index = TIFFComputeTile(t, x0, y0, 0, 0);
      if (TIFFReadEncodedTile(t, index, tile.data(), tile_bytes) != tile_bytes) {
        fail_with_libtiff(page_name(page) + ": tile " + std::to_string(index) +
                          " cannot be decoded (truncated or corrupt file?)");
      }
      const std::uint32_t rows = std::min(tile_height, height - y0);
      const std::size_t copy_bytes = std::min(tile_width, width - x0) * pixel_bytes;
      for (std::uint32_t r = 0; r < rows; ++r) {
        std::memcpy(frame.data() + (y0 + r) * row_bytes + x0 * pixel_bytes,
                    tile.data() + std::size_t{r} * tile_width * pixel_bytes, copy_bytes);
      }
    }
  }
}

void TiffMovieReader::Impl::read_contiguous_page(std::int64_t page) {
  const std::uint64_t offset = first_page_data_offset + static_cast<std::uint64_t>(page) * frame_bytes;
  if (!file.read_at(offset, frame.data(), frame_bytes)) {
    fail(page_name(page) + " cannot be read at byte " + std::to_string(offset) + ": " +
         (errno != 0 ? std::strerror(errno) : "the file ends first (truncated?)"));
  }
  if (TIFFIsByteSwapped(tiff.get())) {
    reverse_bytes_of_each_sample(frame.data(), frame_bytes, bytes_per_pixel(info.pixel_type));
  }
}

}  // namespace calmon::io
