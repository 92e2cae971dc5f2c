// tiff_writer_test.cc — TiffMovieWriter and write_tiff_float32, checked by a reader that
// is not ours: tifffile must see the same pixels, dtype and shape, and the tags the
// writer promises (uncompressed, one strip per page, min-is-black, BigTIFF on request).
// Misuse and unwritable paths must give a one-line calmon::Error naming the file.
#include "io/tiff_writer.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/tiff_movie_reader.h"

namespace calmon::io {
namespace {

namespace fs = std::filesystem;

constexpr PixelType kAllPixelTypes[] = {PixelType::kU8,  PixelType::kU16, PixelType::kI16,
                                        PixelType::kU32, PixelType::kF32, PixelType::kF64};

// A fresh path for this test: <tmp>/tiff_writer_test/<Suite.Test>_<name>.
std::string temp_path(const std::string& name) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir = fs::path(CALMON_TEST_TMPDIR) / "tiff_writer_test";
  fs::create_directories(dir);
  const fs::path path =
      dir / (std::string(test->test_suite_name()) + "." + test->name() + "_" + name);
  fs::remove_all(path);
  return path.string();
}

// Runs a Python script with the system interpreter (which has numpy and tifffile);
// returns its exit status.
int run_python(const std::string& script) {
  const std::string script_path = temp_path("script.py");
  std::ofstream(script_path) << script;
  const int status = std::system(("/usr/bin/python3 " + script_path).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Pixel values that reach every bit: wrapping integers, and floats with NaN, -inf,
// a denormal and -0.0 among ordinary values.
template <class T>
T pattern_value(std::size_t i, int t) {
  if constexpr (std::is_floating_point_v<T>) {
    switch ((i + static_cast<std::size_t>(t)) % 19) {
      case 0: return std::numeric_limits<T>::quiet_NaN();
      case 1: return -std::numeric_limits<T>::infinity();
      case 2: return std::numeric_limits<T>::denorm_min();
      case 3: return T(-0.0);
      default: return static_cast<T>((static_cast<double>(i) - 11.5) * (t + 1) * 1e4 / 3.0);
    }
  } else {
    return static_cast<T>(i * 2654435761ULL + static_cast<unsigned long long>(t) * 40503ULL);
  }
}

std::vector<std::byte> pattern_frame(PixelType type, FrameShape shape, int t) {
  return dispatch_pixel_type(type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<std::byte> bytes(shape.pixel_count() * sizeof(T));
    for (std::size_t i = 0; i < shape.pixel_count(); ++i) {
      const T value = pattern_value<T>(i, t);
      std::memcpy(bytes.data() + i * sizeof(T), &value, sizeof(T));
    }
    return bytes;
  });
}

void expect_error(const std::function<void()>& action, const std::string& path,
                  const std::string& expected) {
  std::string message;
  try {
    action();
  } catch (const Error& error) {
    message = error.what();
  }
  ASSERT_FALSE(message.empty()) << "no calmon::Error thrown; expected one containing '" << expected
                                << "'";
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.rfind(path + ": ", 0), 0U) << message;
  EXPECT_NE(message.find(expected), std::string::npos)
      << "message: " << message << "\nexpected: " << expected;
}

// Writes a 4-frame movie of `type` and the same pixels raw to `<path>.bin`.
void write_pattern_movie(const std::string& path, PixelType type, FrameShape shape, bool bigtiff) {
  TiffMovieWriter writer(path, shape, type, bigtiff);
  std::ofstream raw(path + ".bin", std::ios::binary);
  for (int t = 0; t < 4; ++t) {
    const std::vector<std::byte> pixels = pattern_frame(type, shape, t);
    writer.append(AnyFrameView(type, pixels.data(), shape));
    raw.write(reinterpret_cast<const char*>(pixels.data()),
              static_cast<std::streamsize>(pixels.size()));
  }
  writer.close();
}

TEST(TiffMovieWriter, TifffileReadsEveryPixelTypeBitExactWithThePromisedTags) {
  const FrameShape shape{7, 5};
  for (bool bigtiff : {false, true}) {
    for (PixelType type : kAllPixelTypes) {
      SCOPED_TRACE(std::string(pixel_type_name(type)) + (bigtiff ? " BigTIFF" : " classic"));
      const std::string path =
          temp_path(std::string(pixel_type_name(type)) + (bigtiff ? "_big.tif" : ".tif"));
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
  const std::vector<double> pixels = {0.0, 1.5, -2.25, 1e30, 1.0 / 3.0, -0.0,
                                      7.0, 8.0, 9.0,   10.0, 11.0,      0.1};
  write_tiff_float32(path, shape, pixels);
  TiffMovieReader reader(path);
  EXPECT_EQ(reader.info().frames, 1);
  EXPECT_EQ(reader.info().pixel_type, PixelType::kF32);
  EXPECT_EQ(reader.info().shape, shape);
  reader.read(0).visit([&](auto view) {
    for (int y = 0; y < 3; ++y) {
      for (int x = 0; x < 4; ++x) {
        EXPECT_EQ(static_cast<float>(view.at(x, y)),
                  static_cast<float>(pixels[static_cast<std::size_t>(y * 4 + x)]));
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
  expect_error(
      [&] {
        write_tiff_float32(path, {1, 1}, std::vector<double>{1.0});
      },
      path, "cannot create the file");
}

TEST(TiffMovieWriter, RejectsAnEmptyFrameShape) {
  const std::string path = temp_path("empty.tif");
  expect_error(
      [&] {
        TiffMovieWriter writer(path, {0, 3}, PixelType::kU8);
      },
      path, "cannot write frames of size 0x3");
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
