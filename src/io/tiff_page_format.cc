// tiff_page_format.cc — a page's tags read with libtiff's defaults, and named for messages.
#include "io/tiff_page_format.h"

namespace calmon::io::detail {

PageFormat read_page_format(TIFF* tiff) {
  PageFormat format;
  TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &format.width);
  TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &format.height);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &format.samples_per_pixel);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &format.bits_per_sample);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &format.sample_format);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_COMPRESSION, &format.compression);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &format.planar_config);
  format.tiled = TIFFIsTiled(tiff) != 0;
  if (format.tiled) {
    TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &format.tile_width);
    TIFFGetField(tiff, TIFFTAG_TILELENGTH, &format.tile_height);
    format.libtiff_striles = TIFFNumberOfTiles(tiff);
  } else {
    TIFFGetFieldDefaulted(tiff, TIFFTAG_ROWSPERSTRIP, &format.rows_per_strip);
    format.libtiff_striles = TIFFNumberOfStrips(tiff);
  }
  return format;
}

std::optional<PixelType> pixel_type_of_page(const PageFormat& format) {
  const bool unsigned_int = format.sample_format == SAMPLEFORMAT_UINT || format.sample_format == SAMPLEFORMAT_VOID;
  switch (format.bits_per_sample) {
    case 8:
      if (unsigned_int) return PixelType::kU8;
      break;
    case 16:
      if (unsigned_int) return PixelType::kU16;
      if (format.sample_format == SAMPLEFORMAT_INT) return PixelType::kI16;
      break;
    case 32:
      if (unsigned_int) return PixelType::kU32;
      if (format.sample_format == SAMPLEFORMAT_IEEEFP) return PixelType::kF32;
      break;
    case 64:
      if (format.sample_format == SAMPLEFORMAT_IEEEFP) return PixelType::kF64;
      break;
  }
  return std::nullopt;
}

std::string describe_samples(const PageFormat& format) {
  std::string kind;
  switch (format.sample_format) {
    case SAMPLEFORMAT_UINT: kind = "unsigned integer"; break;
    case SAMPLEFORMAT_INT: kind = "signed integer"; break;
    case SAMPLEFORMAT_IEEEFP: kind = "float"; break;
    case SAMPLEFORMAT_VOID: kind = "untyped"; break;
    case SAMPLEFORMAT_COMPLEXINT: kind = "complex integer"; break;
    case SAMPLEFORMAT_COMPLEXIEEEFP: kind = "complex float"; break;
    default: kind = "sample format " + std::to_string(format.sample_format); break;
  }
  return std::to_string(format.bits_per_sample) + "-bit " + kind;
}

}  // namespace calmon::io::detail
