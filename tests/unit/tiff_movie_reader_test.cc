// tiff_movie_reader_test.cc — TiffMovieReader against files from every writer calmon
// meets: its own TiffMovieWriter, libtiff used directly (tiles, compression, big-endian,
// ImageJ hyperstacks, odd pixel types), a TIFF built byte by byte (ImageJ's one-IFD
// layout for stacks over 4 GiB) and tifffile (plain, imagej=True, bigtiff=True).
//
// Every frame is compared byte for byte with what was written. Bad input — among it valid
// files whose strip and tile tags were patched as a buggy writer would leave them, and the
// fuzzer's file whose tags claim a 2.5 GB frame — must give a one-line calmon::Error that
// names the file and the page, and libtiff must print nothing itself: its warnings are the
// reader's to hand out.
#include "io/tiff_movie_reader.h"

#include <gtest/gtest.h>
#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "huge_frame_tiff.h"
#include "io/tiff_writer.h"
#include "test_support.h"
#include "tiff_patch.h"

namespace calmon::io {
namespace {

namespace fs = std::filesystem;

constexpr PixelType kAllPixelTypes[] = {PixelType::kU8,  PixelType::kU16, PixelType::kI16,
                                        PixelType::kU32, PixelType::kF32, PixelType::kF64};

using test::pattern_frame;
using test::pattern_value;
using test::read_file_bytes;

// A fresh path for this test: <tmp>/tiff_movie_reader_test/<Suite.Test>_<name>.
std::string temp_path(const std::string& name) { return test::temp_path("tiff_movie_reader_test", name); }

int run_python(const std::string& script) { return test::run_python(temp_path("script.py"), script); }

void write_file_bytes(const std::string& path, const std::vector<std::byte>& bytes) { test::write_raw(path, bytes); }

::testing::AssertionResult frame_equals(AnyFrameView frame, PixelType type, FrameShape shape,
                                        const std::vector<std::byte>& expected) {
  if (frame.type() != type) return ::testing::AssertionFailure() << "pixel type differs";
  if (!(frame.shape() == shape)) return ::testing::AssertionFailure() << "shape differs";
  if (frame.byte_size() != expected.size() || std::memcmp(frame.data(), expected.data(), expected.size()) != 0) {
    return ::testing::AssertionFailure() << "pixels differ";
  }
  return ::testing::AssertionSuccess();
}

// One page as libtiff should write it, for files calmon's own writer never makes.
struct LibtiffPage {
  FrameShape shape;
  std::uint16_t bits_per_sample = 16;
  std::uint16_t sample_format = SAMPLEFORMAT_UINT;
  std::uint16_t samples_per_pixel = 1;
  std::uint16_t compression = COMPRESSION_NONE;
  std::uint16_t predictor = PREDICTOR_NONE;
  std::uint32_t tile_size = 0;       // 0: striped
  std::uint32_t rows_per_strip = 0;  // 0: one strip per page
  std::string description;
  std::vector<std::byte> pixels;  // row-major, host byte order, rows padded to whole bytes
};

LibtiffPage typed_page(PixelType type, FrameShape shape, int t) {
  LibtiffPage page;
  page.shape = shape;
  page.bits_per_sample = static_cast<std::uint16_t>(8 * bytes_per_pixel(type));
  page.sample_format = type == PixelType::kF32 || type == PixelType::kF64 ? SAMPLEFORMAT_IEEEFP
                       : type == PixelType::kI16                          ? SAMPLEFORMAT_INT
                                                                          : SAMPLEFORMAT_UINT;
  page.pixels = pattern_frame(type, shape, t);
  return page;
}

struct TiffCloser {
  void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};

// Writes `pages` with libtiff in `mode` ("w", "wb" for big-endian, "w8" for BigTIFF).
void write_with_libtiff(const std::string& path, const char* mode, const std::vector<LibtiffPage>& pages) {
  std::unique_ptr<TIFF, TiffCloser> tiff(TIFFOpen(path.c_str(), mode));
  ASSERT_TRUE(tiff) << path;
  TIFF* t = tiff.get();
  for (const LibtiffPage& page : pages) {
    const auto width = static_cast<std::uint32_t>(page.shape.width);
    const auto height = static_cast<std::uint32_t>(page.shape.height);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, height);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, page.bits_per_sample);
    TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, page.sample_format);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, page.samples_per_pixel);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, page.samples_per_pixel == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, page.compression);
    if (page.predictor != PREDICTOR_NONE) TIFFSetField(t, TIFFTAG_PREDICTOR, page.predictor);
    if (!page.description.empty()) {
      TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, page.description.c_str());
    }
    const std::size_t row_bytes = (std::size_t{width} * page.bits_per_sample * page.samples_per_pixel + 7) / 8;
    ASSERT_EQ(page.pixels.size(), row_bytes * height);
    if (page.tile_size > 0) {
      TIFFSetField(t, TIFFTAG_TILEWIDTH, page.tile_size);
      TIFFSetField(t, TIFFTAG_TILELENGTH, page.tile_size);
      const std::size_t pixel_bytes = page.bits_per_sample * page.samples_per_pixel / 8;
      std::vector<std::byte> tile(static_cast<std::size_t>(TIFFTileSize(t)));
      for (std::uint32_t y0 = 0; y0 < height; y0 += page.tile_size) {
        for (std::uint32_t x0 = 0; x0 < width; x0 += page.tile_size) {
          std::fill(tile.begin(), tile.end(), std::byte{0});
          for (std::uint32_t y = y0; y < std::min(height, y0 + page.tile_size); ++y) {
            const std::size_t columns = std::min(width - x0, page.tile_size);
            std::memcpy(tile.data() + (y - y0) * page.tile_size * pixel_bytes,
                        page.pixels.data() + y * row_bytes + x0 * pixel_bytes, columns * pixel_bytes);
          }
          ASSERT_EQ(TIFFWriteEncodedTile(t, TIFFComputeTile(t, x0, y0, 0, 0), tile.data(),
                                         static_cast<tmsize_t>(tile.size())),
                    static_cast<tmsize_t>(tile.size()));
        }
      }
    } else {
      const std::uint32_t rows_per_strip = page.rows_per_strip > 0 ? page.rows_per_strip : height;
      TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, rows_per_strip);
      for (std::uint32_t y0 = 0, strip = 0; y0 < height; y0 += rows_per_strip, ++strip) {
        const std::size_t rows = std::min(rows_per_strip, height - y0);
        // A copy: libtiff byte-swaps and predicts in place.
        std::vector<std::byte> data(page.pixels.begin() + static_cast<std::ptrdiff_t>(y0 * row_bytes),
                                    page.pixels.begin() + static_cast<std::ptrdiff_t>((y0 + rows) * row_bytes));
        ASSERT_NE(TIFFWriteEncodedStrip(t, strip, data.data(), static_cast<tmsize_t>(data.size())), -1);
      }
    }
    ASSERT_TRUE(TIFFWriteDirectory(t));
  }
}

// A classic TIFF with a single IFD, built byte by byte: the header, the IFD, the
// description, then `frames` back to back in the file's byte order, the IFD's one
// strip pointing at the first. With "images=N" in an ImageJ description this is
// ImageJ's layout for stacks over 4 GiB.
std::vector<std::byte> hand_made_single_ifd_tiff(bool big_endian, PixelType type, FrameShape shape,
                                                 const std::vector<std::vector<std::byte>>& frames,
                                                 const std::string& description) {
  std::vector<std::byte> file;
  const auto put = [&](std::size_t offset, std::uint64_t value, std::size_t size) {
    if (file.size() < offset + size) file.resize(offset + size);
    for (std::size_t i = 0; i < size; ++i) {
      const std::size_t shift = 8 * (big_endian ? size - 1 - i : i);
      file[offset + i] = static_cast<std::byte>((value >> shift) & 0xff);
    }
  };
  constexpr std::uint16_t kShort = 3, kLong = 4, kAscii = 2;
  const std::size_t frame_bytes = shape.pixel_count() * bytes_per_pixel(type);
  const std::size_t entry_count = 11;
  const std::size_t ifd_offset = 8;
  const std::size_t description_offset = ifd_offset + 2 + entry_count * 12 + 4;
  const std::size_t data_offset = (description_offset + description.size() + 1 + 7) / 8 * 8;
  const std::uint16_t sample_format = type == PixelType::kF32 || type == PixelType::kF64 ? SAMPLEFORMAT_IEEEFP
                                      : type == PixelType::kI16                          ? SAMPLEFORMAT_INT
                                                                                         : SAMPLEFORMAT_UINT;
  struct Entry {
    std::uint16_t tag, type;
    std::uint32_t count;
    std::uint64_t value;
  };
  const Entry entries[entry_count] = {
      {TIFFTAG_IMAGEWIDTH, kLong, 1, static_cast<std::uint64_t>(shape.width)},
      {TIFFTAG_IMAGELENGTH, kLong, 1, static_cast<std::uint64_t>(shape.height)},
      {TIFFTAG_BITSPERSAMPLE, kShort, 1, 8 * bytes_per_pixel(type)},
      {TIFFTAG_COMPRESSION, kShort, 1, COMPRESSION_NONE},
      {TIFFTAG_PHOTOMETRIC, kShort, 1, PHOTOMETRIC_MINISBLACK},
      {TIFFTAG_IMAGEDESCRIPTION, kAscii, static_cast<std::uint32_t>(description.size() + 1), description_offset},
      {TIFFTAG_STRIPOFFSETS, kLong, 1, data_offset},
      {TIFFTAG_SAMPLESPERPIXEL, kShort, 1, 1},
      {TIFFTAG_ROWSPERSTRIP, kLong, 1, static_cast<std::uint64_t>(shape.height)},
      {TIFFTAG_STRIPBYTECOUNTS, kLong, 1, frame_bytes},
      {TIFFTAG_SAMPLEFORMAT, kShort, 1, sample_format},
  };
  put(0, big_endian ? 0x4d4d : 0x4949, 2);
  put(2, 42, 2);
  put(4, ifd_offset, 4);
  put(ifd_offset, entry_count, 2);
  for (std::size_t i = 0; i < entry_count; ++i) {
    const std::size_t at = ifd_offset + 2 + i * 12;
    put(at, entries[i].tag, 2);
    put(at + 2, entries[i].type, 2);
    put(at + 4, entries[i].count, 4);
    put(at + 8, entries[i].value, entries[i].type == kShort ? 2 : 4);  // left-justified
  }
  put(ifd_offset + 2 + entry_count * 12, 0, 4);  // no next IFD
  for (std::size_t i = 0; i < description.size(); ++i) {
    put(description_offset + i, static_cast<unsigned char>(description[i]), 1);
  }
  put(description_offset + description.size(), 0, 1);
  const std::size_t sample_bytes = bytes_per_pixel(type);
  for (std::size_t f = 0; f < frames.size(); ++f) {
    for (std::size_t i = 0; i < frame_bytes; i += sample_bytes) {
      std::uint64_t value = 0;
      std::memcpy(&value, frames[f].data() + i, sample_bytes);  // little-endian host
      put(data_offset + f * frame_bytes + i, value, sample_bytes);
    }
  }
  return file;
}

// test::expect_error, and libtiff must print nothing meanwhile.
void expect_error(const std::function<void()>& action, const std::string& path, const std::string& expected) {
  ::testing::internal::CaptureStderr();
  test::expect_error(action, path, expected);
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(printed, "") << "libtiff printed to stderr";
}

void expect_open_error(const std::string& path, const std::string& expected) {
  expect_error([&] { TiffMovieReader reader(path); }, path, expected);
}

// --- files calmon's own writer makes ---------------------------------------------------

void check_round_trip(PixelType type, bool bigtiff) {
  SCOPED_TRACE(std::string(pixel_type_name(type)) + (bigtiff ? " BigTIFF" : " classic"));
  const std::string path = temp_path(std::string(pixel_type_name(type)) + (bigtiff ? "_big.tif" : ".tif"));
  const FrameShape shape{7, 5};
  const int frames = 4;
  {
    TiffMovieWriter writer(path, shape, type, bigtiff);
    for (int t = 0; t < frames; ++t) {
      const std::vector<std::byte> pixels = pattern_frame(type, shape, t);
      writer.append(AnyFrameView(type, pixels.data(), shape));
    }
    writer.close();
  }
  TiffMovieReader reader(path);
  const TiffMovieInfo& info = reader.info();
  EXPECT_EQ(info.shape, shape);
  EXPECT_EQ(info.pixel_type, type);
  EXPECT_EQ(info.frames, frames);
  EXPECT_EQ(info.channels, 1);
  EXPECT_EQ(info.slices, 1);
  EXPECT_EQ(info.bigtiff, bigtiff);
  EXPECT_FALSE(info.imagej);
  for (int t = 0; t < frames; ++t) {
    EXPECT_TRUE(frame_equals(reader.read(t), type, shape, pattern_frame(type, shape, t))) << "t=" << t;
  }
  for (int t = frames - 1; t >= 0; t -= 2) {  // random access, backwards
    EXPECT_TRUE(frame_equals(reader.read(t), type, shape, pattern_frame(type, shape, t))) << "t=" << t;
  }
}

TEST(TiffMovieReader, RoundTripsEveryPixelTypeBitExactThroughTheWriter) {
  for (PixelType type : kAllPixelTypes) check_round_trip(type, false);
}

TEST(TiffMovieReader, RoundTripsEveryPixelTypeBitExactThroughBigTiff) {
  for (PixelType type : kAllPixelTypes) check_round_trip(type, true);
}

TEST(TiffMovieReader, ReadsTheSameFrameTwiceAndAViewOfTheLatestRead) {
  const std::string path = temp_path("movie.tif");
  const FrameShape shape{3, 2};
  {
    TiffMovieWriter writer(path, shape, PixelType::kU16);
    for (int t = 0; t < 3; ++t) {
      const auto pixels = pattern_frame(PixelType::kU16, shape, t);
      writer.append(AnyFrameView(PixelType::kU16, pixels.data(), shape));
    }
  }  // the destructor closes
  TiffMovieReader reader(path);
  EXPECT_TRUE(frame_equals(reader.read(2), PixelType::kU16, shape, pattern_frame(PixelType::kU16, shape, 2)));
  EXPECT_TRUE(frame_equals(reader.read(2), PixelType::kU16, shape, pattern_frame(PixelType::kU16, shape, 2)));
  const std::uint16_t first = reader.read(0).visit([](auto view) { return static_cast<std::uint16_t>(view.at(0, 0)); });
  EXPECT_EQ(first, pattern_value<std::uint16_t>(0, 0));
}

// --- files libtiff makes with options calmon's writer does not use ----------------------

TEST(TiffMovieReader, ReadsTiledPagesWhoseSizeIsNotAMultipleOfTheTile) {
  for (PixelType type : {PixelType::kU16, PixelType::kF64, PixelType::kU8}) {
    SCOPED_TRACE(pixel_type_name(type));
    const std::string path = temp_path(std::string(pixel_type_name(type)) + ".tif");
    const FrameShape shape{40, 35};
    std::vector<LibtiffPage> pages;
    for (int t = 0; t < 3; ++t) {
      pages.push_back(typed_page(type, shape, t));
      pages.back().tile_size = 16;
    }
    write_with_libtiff(path, "w", pages);
    TiffMovieReader reader(path);
    EXPECT_EQ(reader.info().frames, 3);
    for (int t : {0, 2, 1}) {
      EXPECT_TRUE(frame_equals(reader.read(t), type, shape, pattern_frame(type, shape, t))) << "t=" << t;
    }
  }
}

TEST(TiffMovieReader, ReadsCompressedPagesInManyStrips) {
  struct Case {
    PixelType type;
    std::uint16_t compression;
    std::uint16_t predictor;
  };
  const Case cases[] = {
      {PixelType::kU16, COMPRESSION_LZW, PREDICTOR_HORIZONTAL},
      {PixelType::kI16, COMPRESSION_ADOBE_DEFLATE, PREDICTOR_HORIZONTAL},
      {PixelType::kU8, COMPRESSION_PACKBITS, PREDICTOR_NONE},
      {PixelType::kU32, COMPRESSION_ADOBE_DEFLATE, PREDICTOR_NONE},
      {PixelType::kF32, COMPRESSION_ADOBE_DEFLATE, PREDICTOR_FLOATINGPOINT},
      {PixelType::kF64, COMPRESSION_LZW, PREDICTOR_NONE},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(pixel_type_name(c.type)) + " compression " + std::to_string(c.compression));
    const std::string path = temp_path(std::string(pixel_type_name(c.type)) + ".tif");
    const FrameShape shape{33, 17};
    std::vector<LibtiffPage> pages;
    for (int t = 0; t < 3; ++t) {
      pages.push_back(typed_page(c.type, shape, t));
      pages.back().compression = c.compression;
      pages.back().predictor = c.predictor;
      pages.back().rows_per_strip = 4;  // the last strip has one row
    }
    write_with_libtiff(path, "w", pages);
    TiffMovieReader reader(path);
    for (int t : {1, 0, 2}) {
      EXPECT_TRUE(frame_equals(reader.read(t), c.type, shape, pattern_frame(c.type, shape, t))) << "t=" << t;
    }
  }
}

TEST(TiffMovieReader, ReadsBigEndianFilesInHostOrder) {
  for (const char* mode : {"wb", "wb8"}) {
    for (PixelType type : kAllPixelTypes) {
      SCOPED_TRACE(std::string(pixel_type_name(type)) + " mode " + mode);
      const std::string path = temp_path(std::string(pixel_type_name(type)) + "_" + mode + ".tif");
      const FrameShape shape{9, 6};
      std::vector<LibtiffPage> pages;
      for (int t = 0; t < 2; ++t) {
        pages.push_back(typed_page(type, shape, t));
        pages.back().rows_per_strip = 4;
      }
      pages[1].tile_size = 16;  // a tiled page after a striped one
      write_with_libtiff(path, mode, pages);
      TiffMovieReader reader(path);
      EXPECT_EQ(reader.info().bigtiff, std::string(mode) == "wb8");
      for (int t = 0; t < 2; ++t) {
        EXPECT_TRUE(frame_equals(reader.read(t), type, shape, pattern_frame(type, shape, t))) << "t=" << t;
      }
    }
  }
}

// --- ImageJ hyperstacks ---------------------------------------------------------------

// A 2-channel, 3-slice, 4-frame hyperstack whose pixel (0, 0) encodes t, z and c.
std::vector<LibtiffPage> hyperstack_pages(FrameShape shape, const std::string& description) {
  std::vector<LibtiffPage> pages;
  for (int t = 0; t < 4; ++t) {
    for (int z = 0; z < 3; ++z) {
      for (int c = 0; c < 2; ++c) {  // ImageJ's order: channel fastest, then slice, then frame
        const int page_index = (t * 3 + z) * 2 + c;
        pages.push_back(typed_page(PixelType::kU16, shape, page_index));
        const auto code = static_cast<std::uint16_t>(1000 * t + 100 * z + 10 * c);
        std::memcpy(pages.back().pixels.data(), &code, sizeof code);
      }
    }
  }
  pages[0].description = description;
  return pages;
}

TEST(TiffMovieReader, ReadsAnImageJHyperstackInCztOrder) {
  const std::string path = temp_path("hyperstack.tif");
  const FrameShape shape{6, 5};
  write_with_libtiff(path, "w",
                     hyperstack_pages(shape,
                                      "ImageJ=1.53t\nimages=24\nchannels=2\nslices=3\nframes="
                                      "4\nhyperstack=true\nmode=grayscale\nloop=false\n"));
  TiffMovieReader reader(path);
  const TiffMovieInfo& info = reader.info();
  EXPECT_TRUE(info.imagej);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.slices, 3);
  EXPECT_EQ(info.frames, 4);
  EXPECT_EQ(info.shape, shape);
  for (int t = 3; t >= 0; --t) {
    for (int z = 0; z < 3; ++z) {
      for (int c = 0; c < 2; ++c) {
        const AnyFrameView frame = reader.read(t, c, z);
        std::vector<std::byte> expected = pattern_frame(PixelType::kU16, shape, (t * 3 + z) * 2 + c);
        const auto code = static_cast<std::uint16_t>(1000 * t + 100 * z + 10 * c);
        std::memcpy(expected.data(), &code, sizeof code);
        EXPECT_TRUE(frame_equals(frame, PixelType::kU16, shape, expected)) << t << " " << z << " " << c;
      }
    }
  }
  expect_error([&] { reader.read(4); }, path, "t=4 is out of range, the movie has 4 time points");
  expect_error([&] { reader.read(-1); }, path, "t=-1 is out of range");
  expect_error([&] { reader.read(0, 2, 0); }, path, "channel 2 is out of range, the movie has 2 channels");
  expect_error([&] { reader.read(0, 0, 3); }, path, "slice 3 is out of range, the movie has 3 slices");
  expect_error([&] { reader.read(0, -1, 0); }, path, "channel -1 is out of range");
}

TEST(TiffMovieReader, DerivesImageJFramesFromImagesWhenFramesIsAbsent) {
  const std::string path = temp_path("no_frames_key.tif");
  write_with_libtiff(path, "w", hyperstack_pages({4, 3}, "ImageJ=1.53t\nimages=24\nchannels=2\nslices=3\n"));
  TiffMovieReader reader(path);
  EXPECT_EQ(reader.info().frames, 4);
  EXPECT_EQ(reader.info().channels, 2);
  EXPECT_EQ(reader.info().slices, 3);
  const std::uint16_t code =
      reader.read(2, 1, 1).visit([](auto view) { return static_cast<std::uint16_t>(view.at(0, 0)); });
  EXPECT_EQ(code, 2110);
}

TEST(TiffMovieReader, ReadsAPlainImageJStackAsFrames) {
  const std::string path = temp_path("stack.tif");
  write_with_libtiff(path, "w", hyperstack_pages({4, 3}, "ImageJ=1.53t\nimages=24\nslices=24\nloop=false\n"));
  TiffMovieReader reader(path);
  EXPECT_TRUE(reader.info().imagej);
  EXPECT_EQ(reader.info().frames, 1);
  EXPECT_EQ(reader.info().slices, 24);
  const std::uint16_t code =
      reader.read(0, 0, 5).visit([](auto view) { return static_cast<std::uint16_t>(view.at(0, 0)); });
  EXPECT_EQ(code, 210);  // page 5: t=0, z=2, c=1 in the 2x3x4 numbering of hyperstack_pages
}

TEST(TiffMovieReader, RejectsImageJDescriptionsThatDisagreeWithTheFile) {
  const FrameShape shape{4, 3};
  const std::string wrong_count = temp_path("wrong_count.tif");
  write_with_libtiff(wrong_count, "w", hyperstack_pages(shape, "ImageJ=1.53t\nimages=30\nchannels=2\nslices=3\n"));
  expect_open_error(wrong_count, "ImageJ description says images=30 but the file has 24 pages");

  const std::string not_a_multiple = temp_path("not_a_multiple.tif");
  write_with_libtiff(not_a_multiple, "w", hyperstack_pages(shape, "ImageJ=1.53t\nimages=24\nchannels=5\n"));
  expect_open_error(not_a_multiple, "images=24, not a multiple of channels=5 x slices=1");

  const std::string inconsistent = temp_path("inconsistent.tif");
  write_with_libtiff(inconsistent, "w",
                     hyperstack_pages(shape, "ImageJ=1.53t\nimages=24\nchannels=2\nslices=3\nframes=3\n"));
  expect_open_error(inconsistent, "images=24 but channels=2 x slices=3 x frames=3");

  const std::string garbage = temp_path("garbage.tif");
  write_with_libtiff(garbage, "w", hyperstack_pages(shape, "ImageJ=1.53t\nimages=24\nchannels=two\n"));
  expect_open_error(garbage, "ImageJ description has channels=two, not a positive whole number");
}

// ImageJ's layout for stacks over 4 GiB: one IFD, the other frames raw after the first.
TEST(TiffMovieReader, ReadsImageJsSingleIfdContiguousLayoutInBothByteOrders) {
  const FrameShape shape{6, 4};
  for (bool big_endian : {false, true}) {
    for (PixelType type : {PixelType::kU16, PixelType::kF32, PixelType::kF64, PixelType::kU8}) {
      SCOPED_TRACE(std::string(pixel_type_name(type)) + (big_endian ? " big-endian" : " little-endian"));
      std::vector<std::vector<std::byte>> frames;
      for (int t = 0; t < 5; ++t) frames.push_back(pattern_frame(type, shape, t));
      const std::string path = temp_path(std::string(pixel_type_name(type)) + (big_endian ? "_be.tif" : "_le.tif"));
      write_file_bytes(path, hand_made_single_ifd_tiff(big_endian, type, shape, frames,
                                                       "ImageJ=1.52a\nimages=5\nframes=5\nloop=false\n"));
      TiffMovieReader reader(path);
      EXPECT_TRUE(reader.info().imagej);
      EXPECT_EQ(reader.info().frames, 5);
      for (int t : {4, 0, 3, 1, 2}) {
        EXPECT_TRUE(frame_equals(reader.read(t), type, shape, frames[static_cast<std::size_t>(t)])) << "t=" << t;
      }
    }
  }
}

TEST(TiffMovieReader, ReadsImageJsContiguousLayoutAsAHyperstack) {
  const FrameShape shape{3, 2};
  std::vector<std::vector<std::byte>> pages;
  for (int page = 0; page < 12; ++page) {
    pages.push_back(pattern_frame(PixelType::kU16, shape, page));
  }
  const std::string path = temp_path("contiguous_hyperstack.tif");
  write_file_bytes(path, hand_made_single_ifd_tiff(false, PixelType::kU16, shape, pages,
                                                   "ImageJ=1.52a\nimages=12\nchannels=2\nslices=3\nframes=2\n"));
  TiffMovieReader reader(path);
  EXPECT_EQ(reader.info().frames, 2);
  EXPECT_TRUE(frame_equals(reader.read(1, 1, 2), PixelType::kU16, shape, pages[(1 * 3 + 2) * 2 + 1]));
}

TEST(TiffMovieReader, TifffileAgreesWithOurHandMadeContiguousImageJFile) {
  const FrameShape shape{6, 4};
  std::vector<std::vector<std::byte>> frames;
  std::vector<std::byte> all;
  for (int t = 0; t < 5; ++t) {
    frames.push_back(pattern_frame(PixelType::kU16, shape, t));
    all.insert(all.end(), frames.back().begin(), frames.back().end());
  }
  const std::string path = temp_path("contiguous.tif");
  const std::string expected_path = temp_path("contiguous.bin");
  write_file_bytes(
      path, hand_made_single_ifd_tiff(true, PixelType::kU16, shape, frames, "ImageJ=1.52a\nimages=5\nframes=5\n"));
  write_file_bytes(expected_path, all);
  EXPECT_EQ(run_python("import numpy, tifffile, sys\n"
                       "a = tifffile.imread('" +
                       path +
                       "')\n"
                       "e = numpy.fromfile('" +
                       expected_path +
                       "', dtype=numpy.uint16).reshape(5, 4, 6)\n"
                       "sys.exit(0 if a.shape == e.shape and (a == e).all() else 1)\n"),
            0);
}

TEST(TiffMovieReader, RejectsATruncatedContiguousImageJFileAtOpen) {
  const FrameShape shape{6, 4};
  std::vector<std::vector<std::byte>> frames;
  for (int t = 0; t < 5; ++t) frames.push_back(pattern_frame(PixelType::kU16, shape, t));
  std::vector<std::byte> bytes =
      hand_made_single_ifd_tiff(false, PixelType::kU16, shape, frames, "ImageJ=1.52a\nimages=5\n");
  bytes.resize(bytes.size() - 30);  // the last frame is cut short
  const std::string path = temp_path("truncated.tif");
  write_file_bytes(path, bytes);
  expect_open_error(path, "the file ends after 4 of them (truncated?)");
}

// --- tifffile's files -----------------------------------------------------------------

TEST(TiffMovieReader, ReadsWhatTifffileWrites) {
  const std::string dir = temp_path("tifffile");
  fs::create_directories(dir);
  ASSERT_EQ(run_python("import numpy as np, tifffile\n"
                       "d = '" +
                       dir +
                       "/'\n"
                       "rng = np.random.default_rng(7)\n"
                       "plain = rng.integers(0, 65536, size=(5, 6, 7), dtype=np.uint16)\n"
                       "tifffile.imwrite(d + 'plain.tif', plain, photometric='minisblack')\n"
                       "plain.tofile(d + 'plain.bin')\n"
                       "hyper = rng.integers(0, 256, size=(4, 3, 2, 6, 7), dtype=np.uint8)\n"
                       "tifffile.imwrite(d + 'imagej.tif', hyper, imagej=True, metadata={'axes': 'TZCYX'})\n"
                       "hyper.tofile(d + 'imagej.bin')\n"
                       "big = rng.standard_normal((5, 6, 7)).astype(np.float32)\n"
                       "tifffile.imwrite(d + 'big.tif', big, bigtiff=True, photometric='minisblack')\n"
                       "big.tofile(d + 'big.bin')\n"
                       "tiled = rng.integers(-30000, 30000, size=(3, 40, 35), dtype=np.int16)\n"
                       "tifffile.imwrite(d + 'tiled.tif', tiled, tile=(16, 16), compression='zlib', "
                       "photometric='minisblack')\n"
                       "tiled.tofile(d + 'tiled.bin')\n"),
            0);
  const FrameShape shape{7, 6};
  {
    TiffMovieReader reader(dir + "/plain.tif");
    const std::vector<std::byte> expected = read_file_bytes(dir + "/plain.bin");
    ASSERT_EQ(reader.info().frames, 5);
    EXPECT_FALSE(reader.info().bigtiff);
    for (int t = 0; t < 5; ++t) {
      const AnyFrameView frame = reader.read(t);
      EXPECT_EQ(frame.type(), PixelType::kU16);
      EXPECT_EQ(std::memcmp(frame.data(), expected.data() + t * frame.byte_size(), frame.byte_size()), 0) << t;
    }
  }
  {
    TiffMovieReader reader(dir + "/imagej.tif");
    const std::vector<std::byte> expected = read_file_bytes(dir + "/imagej.bin");
    const TiffMovieInfo& info = reader.info();
    EXPECT_TRUE(info.imagej);
    ASSERT_EQ(info.frames, 4);
    ASSERT_EQ(info.slices, 3);
    ASSERT_EQ(info.channels, 2);
    EXPECT_EQ(info.shape, shape);
    for (int t = 0; t < 4; ++t) {
      for (int z = 0; z < 3; ++z) {
        for (int c = 0; c < 2; ++c) {
          const AnyFrameView frame = reader.read(t, c, z);
          EXPECT_EQ(frame.type(), PixelType::kU8);
          const std::size_t offset = static_cast<std::size_t>((t * 3 + z) * 2 + c) * frame.byte_size();
          EXPECT_EQ(std::memcmp(frame.data(), expected.data() + offset, frame.byte_size()), 0) << t << z << c;
        }
      }
    }
  }
  {
    TiffMovieReader reader(dir + "/big.tif");
    const std::vector<std::byte> expected = read_file_bytes(dir + "/big.bin");
    EXPECT_TRUE(reader.info().bigtiff);
    ASSERT_EQ(reader.info().frames, 5);
    for (int t = 0; t < 5; ++t) {
      const AnyFrameView frame = reader.read(t);
      EXPECT_EQ(frame.type(), PixelType::kF32);
      EXPECT_EQ(std::memcmp(frame.data(), expected.data() + t * frame.byte_size(), frame.byte_size()), 0) << t;
    }
  }
  {
    TiffMovieReader reader(dir + "/tiled.tif");
    const std::vector<std::byte> expected = read_file_bytes(dir + "/tiled.bin");
    ASSERT_EQ(reader.info().frames, 3);
    EXPECT_EQ(reader.info().shape, (FrameShape{35, 40}));
    for (int t = 0; t < 3; ++t) {
      const AnyFrameView frame = reader.read(t);
      EXPECT_EQ(frame.type(), PixelType::kI16);
      EXPECT_EQ(std::memcmp(frame.data(), expected.data() + t * frame.byte_size(), frame.byte_size()), 0) << t;
    }
  }
}

// --- bad input ------------------------------------------------------------------------

TEST(TiffMovieReader, RejectsAMissingFile) {
  const std::string path = temp_path("missing.tif");
  expect_open_error(path, "cannot open: No such file or directory");
}

TEST(TiffMovieReader, RejectsADirectory) {
  const std::string path = temp_path("directory.tif");
  fs::create_directories(path);
  expect_open_error(path, "is a directory");
}

TEST(TiffMovieReader, RejectsAnEmptyFile) {
  const std::string path = temp_path("empty.tif");
  write_file_bytes(path, {});
  expect_open_error(path, "is empty, not a TIFF file");
}

TEST(TiffMovieReader, RejectsATextFile) {
  const std::string path = temp_path("notes.tif");
  std::ofstream(path) << "these are not pixels\n";
  expect_open_error(path, "is not a TIFF file");
}

TEST(TiffMovieReader, RejectsATiffHeaderWithNothingBehindIt) {
  const std::string path = temp_path("header_only.tif");
  write_file_bytes(path, {std::byte{'I'}, std::byte{'I'}, std::byte{42}, std::byte{0}, std::byte{200}, std::byte{0},
                          std::byte{0}, std::byte{0}});
  expect_open_error(path, "cannot be read as a TIFF file");
}

// Opens `path` and reads every frame; the calmon::Error this throws, or "" if none.
std::string error_reading_everything(const std::string& path) {
  try {
    TiffMovieReader reader(path);
    for (std::int64_t t = 0; t < reader.info().frames; ++t) reader.read(t);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(TiffMovieReader, RejectsAFileCutInHalfCleanly) {
  const FrameShape shape{16, 16};
  for (bool bigtiff : {false, true}) {
    const std::string whole = temp_path(bigtiff ? "whole_big.tif" : "whole.tif");
    {
      TiffMovieWriter writer(whole, shape, PixelType::kU16, bigtiff);
      for (int t = 0; t < 10; ++t) {
        const auto pixels = pattern_frame(PixelType::kU16, shape, t);
        writer.append(AnyFrameView(PixelType::kU16, pixels.data(), shape));
      }
      writer.close();
    }
    std::vector<std::byte> bytes = read_file_bytes(whole);
    bytes.resize(bytes.size() / 2);
    const std::string path = temp_path(bigtiff ? "half_big.tif" : "half.tif");
    write_file_bytes(path, bytes);
    expect_open_error(path, "(truncated");
  }
}

TEST(TiffMovieReader, RejectsAFileCutAnywhereCleanly) {
  // Three layouts: calmon's writer (classic and BigTIFF: pixels, then IFD) and libtiff's
  // big-endian, LZW-compressed tiles.
  std::vector<std::string> wholes;
  const FrameShape shape{4, 4};
  for (bool bigtiff : {false, true}) {
    wholes.push_back(temp_path(bigtiff ? "whole_big.tif" : "whole.tif"));
    TiffMovieWriter writer(wholes.back(), shape, PixelType::kF32, bigtiff);
    for (int t = 0; t < 3; ++t) {
      const auto pixels = pattern_frame(PixelType::kF32, shape, t);
      writer.append(AnyFrameView(PixelType::kF32, pixels.data(), shape));
    }
  }
  wholes.push_back(temp_path("whole_tiled.tif"));
  std::vector<LibtiffPage> pages;
  for (int t = 0; t < 2; ++t) {
    pages.push_back(typed_page(PixelType::kU16, {20, 17}, t));
    pages.back().tile_size = 16;
    pages.back().compression = COMPRESSION_LZW;
  }
  write_with_libtiff(wholes.back(), "wb", pages);

  const std::string path = temp_path("cut.tif");
  for (const std::string& whole : wholes) {
    SCOPED_TRACE(whole);
    const std::vector<std::byte> bytes = read_file_bytes(whole);
    ASSERT_EQ(error_reading_everything(whole), "");
    for (std::size_t size = 1; size < bytes.size(); ++size) {
      write_file_bytes(path, std::vector<std::byte>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size)));
      ::testing::internal::CaptureStderr();
      const std::string message = error_reading_everything(path);
      EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
      EXPECT_NE(message, "") << "cut to " << size << " of " << bytes.size() << " bytes, no error";
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
}

TEST(TiffMovieReader, RejectsPixelDataCutShortWhenTheFrameIsRead) {
  const FrameShape shape{32, 20};
  const std::vector<std::byte> frame = pattern_frame(PixelType::kU16, shape, 0);
  std::vector<std::byte> bytes = hand_made_single_ifd_tiff(false, PixelType::kU16, shape, {frame}, "one page");
  bytes.resize(bytes.size() - frame.size() / 2);  // the IFD is whole, the pixels are not
  const std::string path = temp_path("short_pixels.tif");
  write_file_bytes(path, bytes);
  expect_error(
      [&] {
        TiffMovieReader reader(path);
        reader.read(0);
      },
      path, "page 0 (the 1st of 1)");
}

TEST(TiffMovieReader, RejectsAnRgbFile) {
  const std::string path = temp_path("rgb.tif");
  LibtiffPage page;
  page.shape = {4, 3};
  page.bits_per_sample = 8;
  page.samples_per_pixel = 3;
  page.pixels.resize(4 * 3 * 3);
  write_with_libtiff(path, "w", {page});
  expect_open_error(path, "page 0 (the 1st of 1) has 3 samples per pixel (RGB?); calmon reads single-channel pages");
}

TEST(TiffMovieReader, RejectsUnsupportedPixelTypes) {
  struct Case {
    std::uint16_t bits;
    std::uint16_t format;
    const char* expected;
  };
  const Case cases[] = {
      {1, SAMPLEFORMAT_UINT, "has 1-bit unsigned integer pixels"},
      {64, SAMPLEFORMAT_INT, "has 64-bit signed integer pixels"},
      {64, SAMPLEFORMAT_UINT, "has 64-bit unsigned integer pixels"},
      {64, SAMPLEFORMAT_COMPLEXIEEEFP, "has 64-bit complex float pixels"},
      {32, SAMPLEFORMAT_INT, "has 32-bit signed integer pixels"},
      {8, SAMPLEFORMAT_INT, "has 8-bit signed integer pixels"},
      {16, SAMPLEFORMAT_IEEEFP, "has 16-bit float pixels"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expected);
    const std::string path = temp_path("type_" + std::to_string(c.bits) + "_" + std::to_string(c.format) + ".tif");
    LibtiffPage page;
    page.shape = {8, 2};
    page.bits_per_sample = c.bits;
    page.sample_format = c.format;
    page.pixels.resize((8 * std::size_t{c.bits} + 7) / 8 * 2);
    write_with_libtiff(path, "w", {page});
    expect_open_error(path, std::string("page 0 (the 1st of 1) ") + c.expected +
                                "; calmon reads uint8, uint16, int16, uint32, float32 or float64");
  }
}

TEST(TiffMovieReader, RejectsPagesOfDifferingSize) {
  const std::string path = temp_path("sizes.tif");
  write_with_libtiff(path, "w",
                     {typed_page(PixelType::kU16, {80, 60}, 0), typed_page(PixelType::kU16, {80, 60}, 1),
                      typed_page(PixelType::kU16, {64, 64}, 2)});
  expect_open_error(path, "page 2 (the 3rd of 3) is 64x64, the first page is 80x60");
}

TEST(TiffMovieReader, RejectsPagesOfDifferingPixelType) {
  const std::string path = temp_path("types.tif");
  write_with_libtiff(path, "w", {typed_page(PixelType::kU16, {8, 6}, 0), typed_page(PixelType::kF32, {8, 6}, 1)});
  expect_open_error(path, "page 1 (the 2nd of 2) is float32, the first page is uint16");
}

// --- pages whose strips or tiles do not cover them ---------------------------------------

// One corruption of a valid 3-page, 32x24 movie: how it is written, what is patched, and
// what the error must say.
struct Corruption {
  const char* what;
  PixelType type = PixelType::kU16;
  std::uint32_t rows_per_strip = 0;  // 0: one strip per page
  std::function<void(test::TiffPatcher&, std::size_t file_size)> patch;
  std::vector<std::string> expected;  // fragments of the message
};

std::vector<Corruption> strip_corruptions() {
  return {
      {"RowsPerStrip raised",
       PixelType::kU16,
       4,
       [](test::TiffPatcher& tiff, std::size_t) { tiff.set_value(1, TIFFTAG_ROWSPERSTRIP, 8); },
       {"page 1 (the 2nd of 3) has 6 entries in StripOffsets; ImageLength 24 with RowsPerStrip 8 "
        "needs 3 strips"}},
      {"ImageLength raised on every page",
       PixelType::kU16,
       0,
       [](test::TiffPatcher& tiff, std::size_t) {
         for (int page = 0; page < 3; ++page) tiff.set_value(page, TIFFTAG_IMAGELENGTH, 40);
       },
       {"page 0 (the 1st of 3) has 1 entry in StripOffsets; ImageLength 40 with RowsPerStrip 24 "
        "needs 2 strips",
        "(libtiff: ", "Incorrect count"}},
      {"a StripOffsets count of 0",
       PixelType::kU16,
       0,
       [](test::TiffPatcher& tiff, std::size_t) { tiff.set_count(2, TIFFTAG_STRIPOFFSETS, 0); },
       {"page 2 (the 3rd of 3) has 0 entries in StripOffsets; ImageLength 24 with RowsPerStrip 24 "
        "needs 1 strip"}},
      {"BitsPerSample 64 on 32-bit data",
       PixelType::kF32,
       0,
       [](test::TiffPatcher& tiff, std::size_t) {
         for (int page = 0; page < 3; ++page) tiff.set_value(page, TIFFTAG_BITSPERSAMPLE, 64);
       },
       {"page 0 (the 1st of 3): strip 0 holds 3072 bytes; its 24 rows of 32 float64 pixels need "
        "6144"}},
      {"a StripByteCounts entry too small",
       PixelType::kU16,
       4,
       [](test::TiffPatcher& tiff, std::size_t) { tiff.set_value(1, TIFFTAG_STRIPBYTECOUNTS, 100, 2); },
       {"page 1 (the 2nd of 3): strip 2 holds 100 bytes; its 4 rows of 32 uint16 pixels need 256"}},
      {"a strip past the end of the file",
       PixelType::kU16,
       0,
       [](test::TiffPatcher& tiff, std::size_t file_size) { tiff.set_value(2, TIFFTAG_STRIPOFFSETS, file_size - 10); },
       {"page 2 (the 3rd of 3): strip 0 runs to byte", "past the end of the file at byte"}},
      {"a strip at offset 0",
       PixelType::kU16,
       0,
       [](test::TiffPatcher& tiff, std::size_t) { tiff.set_value(0, TIFFTAG_STRIPOFFSETS, 0); },
       {"page 0 (the 1st of 3): strip 0 starts at byte 0, inside the file's header"}},
      {"an empty strip",
       PixelType::kU16,
       4,
       [](test::TiffPatcher& tiff, std::size_t) { tiff.set_value(2, TIFFTAG_STRIPBYTECOUNTS, 0, 5); },
       {"page 2 (the 3rd of 3): strip 5 is empty (StripByteCounts 0)"}},
  };
}

TEST(TiffMovieReader, RejectsPagesWhoseStripsDoNotCoverThemExactlyInsideTheFile) {
  for (const bool bigtiff : {false, true}) {
    for (const Corruption& corruption : strip_corruptions()) {
      SCOPED_TRACE(std::string(corruption.what) + (bigtiff ? ", BigTIFF" : ", classic"));
      const std::string path = temp_path(bigtiff ? "corrupt_big.tif" : "corrupt.tif");
      std::vector<LibtiffPage> pages;
      for (int t = 0; t < 3; ++t) {
        pages.push_back(typed_page(corruption.type, {32, 24}, t));
        pages.back().rows_per_strip = corruption.rows_per_strip;
      }
      write_with_libtiff(path, bigtiff ? "w8" : "w", pages);
      ASSERT_EQ(error_reading_everything(path), "") << "the file before it was corrupted";
      std::vector<std::byte> bytes = read_file_bytes(path);
      test::TiffPatcher patcher(bytes);
      corruption.patch(patcher, bytes.size());
      write_file_bytes(path, bytes);
      for (const std::string& expected : corruption.expected) expect_open_error(path, expected);
    }
  }
}

TEST(TiffMovieReader, RejectsTiledPagesWhoseTilesDoNotCoverThem) {
  const FrameShape shape{40, 35};  // 3 x 3 tiles of 16 x 16
  const std::string whole = temp_path("tiled.tif");
  std::vector<LibtiffPage> pages;
  for (int t = 0; t < 2; ++t) {
    pages.push_back(typed_page(PixelType::kU16, shape, t));
    pages.back().tile_size = 16;
  }
  write_with_libtiff(whole, "w", pages);
  const std::string path = temp_path("corrupt.tif");
  {
    std::vector<std::byte> bytes = read_file_bytes(whole);
    test::TiffPatcher(bytes).set_count(1, TIFFTAG_TILEOFFSETS, 8);
    write_file_bytes(path, bytes);
    expect_open_error(path,
                      "page 1 (the 2nd of 2) has 8 entries in TileOffsets; 40x35 pixels in "
                      "16x16 tiles need 9 tiles");
  }
  {
    std::vector<std::byte> bytes = read_file_bytes(whole);
    test::TiffPatcher(bytes).set_value(0, TIFFTAG_TILEBYTECOUNTS, 10, 4);
    write_file_bytes(path, bytes);
    expect_open_error(path,
                      "page 0 (the 1st of 2): tile 4 holds 10 bytes; its 16 rows of 16 uint16 "
                      "pixels need 512");
  }
}

// --- the frame size limit, and compressed strips too short for their rows ------------------

constexpr std::size_t kMib = std::size_t{1} << 20;

// The whole message of the calmon::Error opening `path` throws ("" if none); libtiff must
// print nothing meanwhile.
std::string open_error(const std::string& path, std::size_t max_frame_bytes = kDefaultMaxFrameBytes) {
  ::testing::internal::CaptureStderr();
  std::string message;
  try {
    TiffMovieReader reader(path, max_frame_bytes);
  } catch (const Error& error) {
    message = error.what();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << "libtiff printed to stderr";
  return message;
}

// `pages` pages of `shape` zeros, uint8, each in one strip compressed with `compression`.
void write_zeros(const std::string& path, FrameShape shape, std::uint16_t compression, int pages = 1) {
  LibtiffPage page = typed_page(PixelType::kU8, shape, 0);
  page.compression = compression;
  std::fill(page.pixels.begin(), page.pixels.end(), std::byte{0});
  write_with_libtiff(path, "w", std::vector<LibtiffPage>(static_cast<std::size_t>(pages), page));
}

TEST(TiffMovieReader, RefusesTheFuzzersHugeFrameWhenOpeningItFromItsTagsAlone) {
  const std::string path = temp_path("huge_frame.tif");
  write_file_bytes(path, test::tiff_claiming_a_huge_frame());
  EXPECT_EQ(open_error(path), path +
                                  ": page 0 (the 1st of 1) is 50000x50000 uint8, 2385 MiB of "
                                  "pixels; the limit is 64 MiB (--max-frame-mib)");
  // With the limit raised, its 12 bytes of deflate data still cannot be 2.5 GB of pixels.
  EXPECT_EQ(open_error(path, 2385 * kMib),
            path +
                ": page 0 (the 1st of 1): strip 0 holds 12 bytes, compression 8 (AdobeDeflate), "
                "which decode to 12384 bytes at most; its 50000 rows of 50000 uint8 pixels need "
                "2500000000 (ImageWidth, ImageLength, BitsPerSample or RowsPerStrip wrong?)");
}

TEST(TiffMovieReader, ReadsAFrameAsLargeAsTheLimitAndALargerOneOnlyWithTheLimitRaised) {
  // 8192x8192 uint8 is 64 MiB exactly; deflate keeps the file at 64 KiB, as densely as
  // zlib packs zeros, which the deflate bound must allow.
  const std::string at_limit = temp_path("64mib.tif");
  write_zeros(at_limit, {8192, 8192}, COMPRESSION_ADOBE_DEFLATE);
  {
    TiffMovieReader reader(at_limit);
    EXPECT_EQ(reader.info().shape, (FrameShape{8192, 8192}));
    const AnyFrameView frame = reader.read(0);
    ASSERT_EQ(frame.byte_size(), 64 * kMib);
    const auto* bytes = static_cast<const unsigned char*>(frame.data());
    const auto zeros = std::count(bytes, bytes + frame.byte_size(), 0);
    EXPECT_EQ(static_cast<std::size_t>(zeros), 64 * kMib);
  }
  const std::string one_row_more = temp_path("64mib_and_a_row.tif");
  write_zeros(one_row_more, {8192, 8193}, COMPRESSION_ADOBE_DEFLATE);
  const std::string too_large = one_row_more +
                                ": page 0 (the 1st of 1) is 8192x8193 uint8, 65 MiB "
                                "of pixels; the limit is ";
  EXPECT_EQ(open_error(one_row_more), too_large + "64 MiB (--max-frame-mib)");
  EXPECT_EQ(open_error(one_row_more, 64 * kMib + 8191),  // one byte short
            too_large + "64.00781154632568 MiB (--max-frame-mib)");
  TiffMovieReader reader(one_row_more, 65 * kMib);
  EXPECT_EQ(reader.info().shape, (FrameShape{8192, 8193}));
  EXPECT_EQ(reader.read(0).byte_size(), 64 * kMib + 8192);
}

TEST(TiffMovieReader, RefusesTilesLargerThanTheLimit) {
  std::vector<LibtiffPage> pages;
  for (int t = 0; t < 2; ++t) {
    pages.push_back(typed_page(PixelType::kU16, {40, 35}, t));
    pages.back().tile_size = 16;
  }
  const std::string path = temp_path("huge_tiles.tif");
  write_with_libtiff(path, "w", pages);
  std::vector<std::byte> bytes = read_file_bytes(path);
  test::TiffPatcher patcher(bytes);
  patcher.set_value(0, TIFFTAG_TILEWIDTH, 65520);
  patcher.set_value(0, TIFFTAG_TILELENGTH, 65520);
  write_file_bytes(path, bytes);
  expect_open_error(path,
                    "page 0 (the 1st of 2) has tiles of 65520x65520 uint16, 8189 MiB each; "
                    "the limit is 64 MiB (--max-frame-mib)");
}

// The codecs whose expansion the reader bounds (io/tiff_codec_expansion.h).
struct BoundedCodec {
  std::uint16_t compression;
  std::uint64_t bytes_per_byte;
  const char* name;
};
constexpr BoundedCodec kBoundedCodecs[] = {
    {COMPRESSION_PACKBITS, 64, "compression 32773 (PackBits)"},
    {COMPRESSION_LZW, 3413, "compression 5 (LZW)"},
    {COMPRESSION_ADOBE_DEFLATE, 1032, "compression 8 (AdobeDeflate)"},
    {COMPRESSION_DEFLATE, 1032, "compression 32946 (Deflate)"},
};

TEST(TiffMovieReader, ReadsPagesCompressedAsDenselyAsEachBoundedCodecCan) {
  // Zeros: PackBits writes 128 of them in 2 bytes, its bound exactly.
  for (const BoundedCodec& codec : kBoundedCodecs) {
    SCOPED_TRACE(codec.name);
    const std::string path = temp_path("zeros_" + std::to_string(codec.compression) + ".tif");
    const FrameShape shape{512, 512};
    write_zeros(path, shape, codec.compression, 2);
    TiffMovieReader reader(path);
    for (int t = 0; t < 2; ++t) {
      EXPECT_TRUE(frame_equals(reader.read(t), PixelType::kU8, shape,
                               std::vector<std::byte>(shape.pixel_count(), std::byte{0})));
    }
  }
}

TEST(TiffMovieReader, RefusesCompressedStripsThatCannotDecodeToTheirRows) {
  for (const BoundedCodec& codec : kBoundedCodecs) {
    SCOPED_TRACE(codec.name);
    const std::string path = temp_path("wide_" + std::to_string(codec.compression) + ".tif");
    write_zeros(path, {64, 64}, codec.compression, 3);
    ASSERT_EQ(error_reading_everything(path), "") << "the file before it was corrupted";
    std::vector<std::byte> bytes = read_file_bytes(path);
    test::TiffPatcher patcher(bytes);
    patcher.set_value(0, TIFFTAG_IMAGEWIDTH, 60000);  // 3.7 MiB, within the limit
    const std::uint64_t strip_bytes = patcher.value(0, TIFFTAG_STRIPBYTECOUNTS);
    write_file_bytes(path, bytes);
    expect_open_error(path, "page 0 (the 1st of 3): strip 0 holds " + std::to_string(strip_bytes) + " bytes, " +
                                codec.name + ", which decode to " + std::to_string(strip_bytes * codec.bytes_per_byte) +
                                " bytes at most; its 64 rows of 60000 uint8 pixels need 3840000 "
                                "(ImageWidth, ImageLength, BitsPerSample or RowsPerStrip wrong?)");
  }
}

// --- libtiff's warnings ---------------------------------------------------------------------

// Writes a 3-page movie with tifffile whose every page carries the private tags given,
// which libtiff does not know and warns about.
std::string movie_with_private_tags(const std::string& name, int first_tag, int tags) {
  const std::string path = temp_path(name);
  EXPECT_EQ(run_python("import numpy as np, tifffile\n"
                       "tags = [(" +
                       std::to_string(first_tag) + " + i, 'I', 1, i, True) for i in range(" + std::to_string(tags) +
                       ")]\n"
                       "tifffile.imwrite('" +
                       path +
                       "', np.zeros((3, 4, 5), np.uint16), "
                       "photometric='minisblack', extratags=tags)\n"),
            0);
  return path;
}

TEST(TiffMovieReader, HandsOutEachDistinctLibtiffWarningOnce) {
  if (!test::python_has("numpy, tifffile")) GTEST_SKIP() << "needs /usr/bin/python3 with numpy and tifffile";
  const std::string path = movie_with_private_tags("private_tag.tif", 65000, 1);
  ::testing::internal::CaptureStderr();
  TiffMovieReader reader(path);
  EXPECT_EQ(reader.take_warnings(),
            std::vector<std::string>{"TIFFReadDirectory: Unknown field with tag 65000 (0xfde8) encountered"});
  for (int t : {2, 0, 1}) reader.read(t);  // every page's tags again
  EXPECT_EQ(reader.take_warnings(), std::vector<std::string>{});
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << "libtiff printed to stderr";
}

TEST(TiffMovieReader, HandsOutTenDistinctWarningsAtMost) {
  if (!test::python_has("numpy, tifffile")) GTEST_SKIP() << "needs /usr/bin/python3 with numpy and tifffile";
  TiffMovieReader reader(movie_with_private_tags("private_tags.tif", 65000, 12));
  const std::vector<std::string> warnings = reader.take_warnings();
  ASSERT_EQ(warnings.size(), 11u);
  EXPECT_EQ(warnings[0], "TIFFReadDirectory: Unknown field with tag 65000 (0xfde8) encountered");
  EXPECT_EQ(warnings[10], "further libtiff warnings are not shown (10 distinct ones were)");
  EXPECT_EQ(reader.take_warnings(), std::vector<std::string>{});
}

TEST(TiffMovieReader, ImageJsOwnTagsAreNotWarnedAbout) {
  if (!test::python_has("numpy, tifffile")) GTEST_SKIP() << "needs /usr/bin/python3 with numpy and tifffile";
  const std::string path = temp_path("imagej_ranges.tif");
  ASSERT_EQ(run_python("import numpy as np, tifffile\n"
                       "tifffile.imwrite('" +
                       path +
                       "', np.arange(60, dtype=np.uint16).reshape(3, 4, 5), "
                       "imagej=True, metadata={'axes': 'TYX', 'Ranges': (0.0, 59.0)})\n"
                       "assert 50838 in tifffile.TiffFile('" +
                       path + "').pages[0].tags\n"),
            0);
  TiffMovieReader reader(path);
  EXPECT_EQ(reader.take_warnings(), std::vector<std::string>{});
  EXPECT_EQ(reader.read(2).visit([](auto view) { return static_cast<int>(view.at(4, 3)); }), 59);
}

TEST(TiffMovieReader, RejectsATimePointOutOfRange) {
  const std::string path = temp_path("movie.tif");
  write_with_libtiff(path, "w", {typed_page(PixelType::kU8, {8, 6}, 0), typed_page(PixelType::kU8, {8, 6}, 1)});
  TiffMovieReader reader(path);
  expect_error([&] { reader.read(2); }, path, "t=2 is out of range, the movie has 2 time points");
  expect_error([&] { reader.read(-5); }, path, "t=-5 is out of range");
  expect_error([&] { reader.read(0, 1); }, path, "channel 1 is out of range, the movie has 1 channel");
  expect_error([&] { reader.read(0, 0, 1); }, path, "slice 1 is out of range, the movie has 1 slice");
  EXPECT_TRUE(frame_equals(reader.read(1), PixelType::kU8, {8, 6}, pattern_frame(PixelType::kU8, {8, 6}, 1)));
}

}  // namespace
}  // namespace calmon::io
