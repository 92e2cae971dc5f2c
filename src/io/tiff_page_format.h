// tiff_page_format.h — what one TIFF page's tags say about its pixels, and which calmon pixel type that is.
//
// The reader reads every page's format once, when it opens the file, and checks each
// against the limits and the first page (tiff_page_checks.cc) before any pixel is read.
//
// Internal to src/io: the public headers do not expose libtiff.
#pragma once

#include <tiffio.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/pixel_type.h"

namespace calmon::io::detail {

// What one page's tags say about its pixels.
struct PageFormat {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint16_t samples_per_pixel = 1;
  std::uint16_t bits_per_sample = 1;
  std::uint16_t sample_format = SAMPLEFORMAT_UINT;
  std::uint16_t compression = COMPRESSION_NONE;
  std::uint16_t planar_config = PLANARCONFIG_CONTIG;
  bool tiled = false;
  std::uint32_t rows_per_strip = 0;  // striped pages
  std::uint32_t tile_width = 0;      // tiled pages
  std::uint32_t tile_height = 0;
  std::uint32_t libtiff_striles = 0;  // how many strips or tiles libtiff will read
  std::string libtiff_said;           // libtiff's warnings while reading the page's tags
};

// The format of the page whose IFD libtiff has loaded.
PageFormat read_page_format(TIFF* tiff);

// The calmon pixel type of the page's samples; nullopt if calmon does not read them.
// SAMPLEFORMAT_VOID ("untyped") is read as unsigned, as the TIFF spec suggests.
std::optional<PixelType> pixel_type_of_page(const PageFormat& format);

// "1-bit unsigned integer", "64-bit complex float": for unsupported types in messages.
std::string describe_samples(const PageFormat& format);

}  // namespace calmon::io::detail
