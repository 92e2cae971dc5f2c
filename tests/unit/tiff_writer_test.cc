// tiff_writer_test.cc — TiffMovieWriter and write_tiff_float32, checked by a reader that
// is not ours: tifffile must see the same pixels, dtype and shape, and the tags the
// writer promises (uncompressed, one strip per page, min-is-black, BigTIFF on request).
// Misuse and unwritable paths must give a one-line calmon::Error naming the file.
#include "io/tiff_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "io/tiff_movie_reader.h"
#include "test_support.h"

namespace calmon::io {
namespace {

constexpr PixelType kAllPixelTypes[] = {PixelType::kU8,  PixelType::kU16, PixelType::kI16,
                                        PixelType::kU32, PixelType::kF32, PixelType::kF64};

using test::expect_error;
using test::pattern_frame;

// A fresh path for this test: <tmp>/tiff_writer_test/<Suite.Test>_<name>.
std::string temp_path(const std::string& name) { return test::temp_path("tiff_writer_test", name); }

int run_python(const std::string& script) { return test::run_python(temp_path("script.py"), script); }

// Writes a 4-frame movie of `type` and the same pixels raw to `<path>.bin`.
void write_pattern_movie(const std::string& path, PixelType type, FrameShape shape, bool bigtiff) {
  TiffMovieWriter writer(path, shape, type, bigtiff);
  std::ofstream raw(path + ".bin", std::ios::binary);
  for (int t = 0; t < 4; ++t) {
    const std::vector<std::byte> pixels = pattern_frame(type, shape, t);
    writer.append(AnyFrameView(type, pixels.data(), shape));
    raw.write(reinterpret_cast<const char*>(pixels.data()), static_cast<std::streamsize>(pixels.size()));
  }
  writer.close();
}

TEST(TiffMovieWriter, TifffileReadsEveryPixelTypeBitExactWithThePromisedTags) {
  const FrameShape shape{7, 5};
  for (bool bigtiff : {false, true}) {
    for (PixelType type : kAllPixelTypes) {
      SCOPED_TRACE(std::string(pixel_type_name(type)) + (bigtiff ? " BigTIFF" : " classic"));
      const std::string path = temp_path(std::string(pixel_type_name(type)) + (bigtiff ? "_big.tif" : ".tif"));
      write_pattern_movie(path, type, shape, bigtiff);
      const std::string dtype(pixel_type_name(type));
      EXPECT_EQ(run_python("import numpy, tifffile, sys\n"
                           "path = '" +
                           path +
                           "'\n"
                           "expected = numpy.fromfile(path + '.bin', dtype=numpy." +
                           dtype +
                           ").reshape(4, 5, 7)\n"
                           "with tifffile.TiffFile(path) as tif:\n"
                           "    assert tif.is_bigtiff == " +
                           (bigtiff ? "True" : "False") +
                           "\n"
                           "    assert len(tif.pages) == 4, len(tif.pages)\n"
                           "    for page in tif.pages:\n"
                           "        assert page.compression == 1, page.compression\n"
                           "        assert page.photometric == 1, page.photometric\n"
                           "        assert len(page.dataoffsets) == 1\n"
                           "        assert page.samplesperpixel == 1\n"
                           "    data = tif.asarray()\n"
                           "assert data.dtype == numpy." +
                           dtype +
                           ", data.dtype\n"
                           "assert data.shape == (4, 5, 7), data.shape\n"
                           "assert data.tobytes() == expected.tobytes(), 'pixels differ'\n"),
                0);
    }
  }
}

TEST(TiffMovieWriter, OurReaderReadsWhatTheDestructorClosed) {
  const std::string path = temp_path("unclosed.tif");
  const FrameShape shape{3, 4};
  {
    TiffMovieWriter writer(path, shape, PixelType::kI16);
    for (int t = 0; t < 2; ++t) {
      const auto pixels = pattern_frame(PixelType::kI16, shape, t);
      writer.append(AnyFrameView(PixelType::kI16, pixels.data(), shape));
    }
  }
  TiffMovieReader reader(path);
  ASSERT_EQ(reader.info().frames, 2);
  const AnyFrameView frame = reader.read(1);
  const auto expected = pattern_frame(PixelType::kI16, shape, 1);
  EXPECT_EQ(std::memcmp(frame.data(), expected.data(), expected.size()), 0);
}

TEST(TiffMovieWriter, WritesAFloat32ImageThatTifffileAndOurReaderOpen) {
  const std::string path = temp_path("projection.tif");
  const FrameShape shape{4, 3};
  const std::vector<double> pixels = {0.0, 1.5, -2.25, 1e30, 1.0 / 3.0, -0.0, 7.0, 8.0, 9.0, 10.0, 11.0, 0.1};
  write_tiff_float32(path, shape, pixels);
  TiffMovieReader reader(path);
  EXPECT_EQ(reader.info().frames, 1);
  EXPECT_EQ(reader.info().pixel_type, PixelType::kF32);
  EXPECT_EQ(reader.info().shape, shape);
  reader.read(0).visit([&](auto view) {
    for (int y = 0; y < 3; ++y) {
      for (int x = 0; x < 4; ++x) {
        EXPECT_EQ(static_cast<float>(view.at(x, y)), static_cast<float>(pixels[static_cast<std::size_t>(y * 4 + x)]));
      }
    }
  });
  EXPECT_EQ(run_python("import numpy, tifffile\n"
                       "a = tifffile.imread('" +
                       path +
                       "')\n"
                       "e = numpy.array([0.0, 1.5, -2.25, 1e30, 1.0 / 3.0, -0.0, 7, 8, 9, 10, 11, "
                       "0.1]).astype(numpy.float32)\n"
                       "assert a.dtype == numpy.float32 and a.shape == (3, 4), (a.dtype, a.shape)\n"
                       "assert a.tobytes() == e.reshape(3, 4).tobytes()\n"),
            0);
}

TEST(TiffMovieWriter, RejectsAFrameOfAnotherTypeOrShape) {
  const std::string path = temp_path("movie.tif");
  TiffMovieWriter writer(path, {4, 3}, PixelType::kU16);
  const std::vector<float> floats(12);
  expect_error(
      [&] {
        writer.append(FrameView<float>(floats.data(), {4, 3}));
      },
      path, "cannot append a float32 frame to a uint16 movie");
  const std::vector<std::uint16_t> wide(15);
  expect_error(
      [&] {
        writer.append(FrameView<std::uint16_t>(wide.data(), {5, 3}));
      },
      path, "cannot append a 5x3 frame to a 4x3 movie");
  writer.close();
  const std::vector<std::uint16_t> pixels(12);
  expect_error(
      [&] {
        writer.append(FrameView<std::uint16_t>(pixels.data(), {4, 3}));
      },
      path, "the movie is already closed");
}

TEST(TiffMovieWriter, RejectsAPathThatCannotBeCreated) {
  const std::string path = temp_path("no_such_dir") + "/movie.tif";
  expect_error(
      [&] {
        TiffMovieWriter writer(path, {4, 3}, PixelType::kU8);
      },
      path, "cannot create the file: No such file or directory");
  expect_error([&] { write_tiff_float32(path, {1, 1}, std::vector<double>{1.0}); }, path, "cannot create the file");
}

TEST(TiffMovieWriter, RejectsAnEmptyFrameShape) {
  const std::string path = temp_path("empty.tif");
  expect_error([&] { TiffMovieWriter writer(path, {0, 3}, PixelType::kU8); }, path, "cannot write frames of size 0x3");
}

TEST(TiffMovieWriter, RejectsAnImageWhosePixelCountDoesNotMatchItsShape) {
  const std::string path = temp_path("image.tif");
  expect_error(
      [&] {
        write_tiff_float32(path, {4, 3}, std::vector<double>(11));
      },
      path, "cannot write 11 pixels as a 4x3 image");
}

}  // namespace
}  // namespace calmon::io
