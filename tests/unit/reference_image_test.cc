// reference_image_test.cc — read_reference_image on .npy and TIFF files: calmon's own
// images read back, every dtype and header form numpy uses written byte by byte, files
// numpy and tifffile wrote themselves, and every refusal as a one-line error.
#include "io/reference_image.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "core/image.h"
#include "io/projection_files.h"
#include "io/tiff_writer.h"
#include "test_support.h"

namespace calmon::io {
namespace {

using test::expect_error;

std::string temp_path(const std::string& name) { return test::temp_path("reference_image_test", name); }

// A .npy file built byte by byte: the magic, `version`, the header length (uint16 for
// version 1, uint32 after), `dict` padded with spaces to a multiple of 64 bytes and '\n',
// then `data` as given.
void write_npy_by_hand(const std::string& path, const std::string& dict, const std::string& data, int version = 1) {
  const std::size_t preamble = version == 1 ? 10 : 12;
  const std::size_t total = (preamble + dict.size() + 1 + 63) / 64 * 64;
  const std::size_t length = total - preamble;
  std::string bytes = std::string("\x93NUMPY", 6) + static_cast<char>(version) + '\0';
  for (std::size_t i = 0; i < preamble - 8; ++i) bytes += static_cast<char>((length >> (8 * i)) & 0xff);
  bytes += dict;
  bytes.append(total - bytes.size() - 1, ' ');
  bytes += '\n';
  std::ofstream(path, std::ios::binary) << bytes << data;
}

template <class T> std::string raw_bytes(const std::vector<T>& values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::string dict_for(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
}

// A 5x3 image (width 5, height 3) whose pixels differ and are not whole numbers.
Image sample_image() {
  Image image{FrameShape{5, 3}, {}};
  for (int i = 0; i < 15; ++i) image.pixels.push_back((i - 6.5) / 3.0 * 1e3);
  return image;
}

// --- calmon's own images ----------------------------------------------------------------

TEST(ReferenceImage, ReadsCalmonsOwnImagesBackNpyExactlyTiffAsFloat32) {
  const std::string base = temp_path("all_mean");
  const Image written = sample_image();
  write_image(base, written);
  const Image npy = read_reference_image(base + ".npy");
  EXPECT_EQ(npy.shape, written.shape);
  EXPECT_EQ(npy.pixels, written.pixels);  // float64 both ways: bit for bit
  const Image tif = read_reference_image(base + ".tif");
  ASSERT_EQ(tif.shape, written.shape);
  for (std::size_t i = 0; i < written.pixels.size(); ++i) {
    EXPECT_EQ(tif.pixels[i], static_cast<double>(static_cast<float>(written.pixels[i]))) << "pixel " << i;
  }
}

TEST(ReferenceImage, TakesTheExtensionInAnyCase) {
  const std::string base = temp_path("all_mean");
  write_image(base, sample_image());
  std::filesystem::copy_file(base + ".tif", base + ".TIFF", std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(base + ".npy", base + ".NPY", std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(read_reference_image(base + ".TIFF").pixels, read_reference_image(base + ".tif").pixels);
  EXPECT_EQ(read_reference_image(base + ".NPY").pixels, sample_image().pixels);
}

// --- every dtype, by hand ---------------------------------------------------------------

// 4x2 values reaching the type's ends: lowest, max, 0, and values between.
template <class T> std::vector<T> extreme_values() {
  using limits = std::numeric_limits<T>;
  if constexpr (std::is_floating_point_v<T>) {
    return {limits::lowest(), limits::max(), T(0), T(-0.0), limits::denorm_min(), T(1) / T(3), T(-2.5), T(1e6)};
  } else {
    return {limits::lowest(), limits::max(), T(0), T(1), T(limits::max() / 3), T(limits::lowest() / 7), T(2), T(100)};
  }
}

template <class T> class ReferenceImageDtype : public ::testing::Test {};
using Dtypes = ::testing::Types<std::uint8_t, std::uint16_t, std::uint32_t, std::int8_t, std::int16_t, std::int32_t,
                                float, double>;
TYPED_TEST_SUITE(ReferenceImageDtype, Dtypes);

TYPED_TEST(ReferenceImageDtype, ReadsEveryValueExactlyInCAndFortranOrder) {
  using T = TypeParam;
  const std::vector<T> values = extreme_values<T>();  // the 2x4 array [[v0 v1 v2 v3], [v4 v5 v6 v7]]
  const std::string c_path = temp_path("c.npy");
  write_npy_by_hand(c_path, dict_for(test::numpy_descr<T>(), "(2, 4)"), raw_bytes(values));
  const std::vector<T> column_major = {values[0], values[4], values[1], values[5],
                                       values[2], values[6], values[3], values[7]};
  const std::string f_path = temp_path("fortran.npy");
  write_npy_by_hand(f_path, dict_for(test::numpy_descr<T>(), "(2, 4)", true), raw_bytes(column_major));
  for (const std::string& path : {c_path, f_path}) {
    const Image image = read_reference_image(path);
    ASSERT_EQ(image.shape, (FrameShape{4, 2})) << path;
    for (int y = 0; y < 2; ++y) {
      for (int x = 0; x < 4; ++x) {
        EXPECT_EQ(image.at(x, y), static_cast<double>(values[static_cast<std::size_t>(y * 4 + x)]))
            << path << " x " << x << ", y " << y;
      }
    }
  }
}

TEST(ReferenceImage, ReadsFormatVersionsTwoAndThreeAndAnyHeaderSpacingOrQuotes) {
  const std::vector<double> values = {1.5, -2.0, 3.25, 4.0, 5.0, 6.0};
  for (int version : {2, 3}) {
    const std::string path = temp_path("v" + std::to_string(version) + ".npy");
    write_npy_by_hand(path, dict_for("<f8", "(3, 2)"), raw_bytes(values), version);
    EXPECT_EQ(read_reference_image(path).pixels, values) << "version " << version;
  }
  const std::string path = temp_path("spacing.npy");
  write_npy_by_hand(path, "{\"shape\":(3,2),\"fortran_order\":False,\"descr\":\"<f8\"}", raw_bytes(values));
  const Image image = read_reference_image(path);
  EXPECT_EQ(image.shape, (FrameShape{2, 3}));
  EXPECT_EQ(image.pixels, values);
}

// --- files numpy and tifffile wrote ----------------------------------------------------

TEST(ReferenceImage, ReadsArraysNumpyAndTifffileWroteAsNumpyReadsThem) {
  if (!test::python_has("numpy, tifffile")) GTEST_SKIP() << "/usr/bin/python3 lacks numpy or tifffile";
  const std::string folder = test::temp_dir("reference_image_test").string();
  // Each file, and beside it the values numpy reads from it as float64, C order (.f8).
  const int status =
      test::run_python(folder + "/write.py",
                       "import sys, numpy as np, tifffile\n"
                       "d = sys.argv[1]\n"
                       "rng = np.random.default_rng(7)\n"
                       "arrays = {\n"
                       "  'c_f8.npy': rng.normal(100, 30, (7, 9)),\n"
                       "  'fortran_u2.npy': np.asfortranarray(rng.integers(0, 65536, (6, 11), np.uint16)),\n"
                       "  'i1.npy': rng.integers(-128, 128, (5, 4), np.int8),\n"
                       "  'f4.npy': rng.normal(0, 1, (8, 3)).astype(np.float32),\n"
                       "  'u2.tif': rng.integers(0, 65536, (6, 5), np.uint16),\n"
                       "  'f4.tiff': rng.normal(500, 9, (4, 13)).astype(np.float32),\n"
                       "}\n"
                       "for name, a in arrays.items():\n"
                       "    if name.endswith('.npy'):\n"
                       "        np.save(f'{d}/{name}', a)\n"
                       "        back = np.load(f'{d}/{name}')\n"
                       "    else:\n"
                       "        tifffile.imwrite(f'{d}/{name}', a, photometric='minisblack')\n"
                       "        back = tifffile.imread(f'{d}/{name}')\n"
                       "    assert back.shape == a.shape\n"
                       "    np.ascontiguousarray(back, np.float64).tofile(f'{d}/{name}.f8')\n"
                       "    open(f'{d}/{name}.shape', 'w').write(f'{a.shape[1]} {a.shape[0]}')\n"
                       "with open(f'{d}/v2.npy', 'wb') as f:\n"
                       "    np.lib.format.write_array(f, arrays['c_f8.npy'].T, version=(2, 0))\n"
                       "np.load(f'{d}/v2.npy').astype(np.float64).tofile(f'{d}/v2.npy.f8')\n"
                       "open(f'{d}/v2.npy.shape', 'w').write('7 9')\n",
                       folder);
  ASSERT_EQ(status, 0);
  for (const char* name : {"c_f8.npy", "fortran_u2.npy", "i1.npy", "f4.npy", "u2.tif", "f4.tiff", "v2.npy"}) {
    const std::string path = folder + "/" + name;
    FrameShape shape;
    std::ifstream(path + ".shape") >> shape.width >> shape.height;
    const Image image = read_reference_image(path);
    EXPECT_EQ(image.shape, shape) << name;
    EXPECT_EQ(image.pixels, test::read_raw<double>(path + ".f8", shape.pixel_count())) << name;
  }
}

// --- refusals ---------------------------------------------------------------------------

TEST(ReferenceImage, RefusesAMissingFileAndOtherKindsOfFile) {
  const std::string npy = temp_path("missing.npy");
  expect_error([&] { read_reference_image(npy); }, npy, "cannot open: No such file or directory");
  const std::string tif = temp_path("missing.tif");
  expect_error([&] { read_reference_image(tif); }, tif, "cannot open: No such file or directory");
  const std::string png = temp_path("image.png");
  std::ofstream(png) << "not an image calmon reads";
  expect_error([&] { read_reference_image(png); }, png, "its name must end in .npy, .tif or .tiff");
  const std::string text = temp_path("text.npy");
  std::ofstream(text) << "0 1 2\n3 4 5\n";
  expect_error([&] { read_reference_image(text); }, text, "not a .npy array (no .npy magic)");
  const std::string tiff_text = temp_path("text.tif");
  std::ofstream(tiff_text) << "0 1 2\n3 4 5\n";
  expect_error([&] { read_reference_image(tiff_text); }, tiff_text, "is not a TIFF file");
}

TEST(ReferenceImage, RefusesANpyArrayThatIsNotTwoDimensional) {
  const std::string cube = temp_path("cube.npy");
  write_npy_by_hand(cube, dict_for("<f8", "(2, 3, 4)"), std::string(2 * 3 * 4 * 8, '\0'));
  expect_error([&] { read_reference_image(cube); }, cube,
               "a reference image is a 2-D array, this one has shape (2, 3, 4)");
  const std::string row = temp_path("row.npy");
  write_npy_by_hand(row, dict_for("<f8", "(6,)"), std::string(6 * 8, '\0'));
  expect_error([&] { read_reference_image(row); }, row, "this one has shape (6,)");
}

TEST(ReferenceImage, RefusesAnUnsupportedDtypeNamingIt) {
  for (const std::string descr : {"<i8", "<u8", "<f2", "<c16", "|b1", "<U3"}) {
    const std::string path = temp_path("dtype.npy");
    write_npy_by_hand(path, dict_for(descr, "(2, 2)"), std::string(64, '\0'));
    expect_error([&] { read_reference_image(path); }, path,
                 "unsupported dtype '" + descr + "'; a reference image is u1, u2, u4, i1, i2, i4, f4 or f8");
  }
  const std::string structured = temp_path("structured.npy");
  write_npy_by_hand(structured, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2, 2), }",
                    std::string(32, '\0'));
  expect_error([&] { read_reference_image(structured); }, structured, "not a .npy array (a structured dtype)");
}

TEST(ReferenceImage, RefusesHeadersNumpyWouldNotRead) {
  const struct {
    std::string dict;
    std::string expected;
  } cases[] = {
      {"['descr', '<f8']", "(the header is not a Python dict)"},
      {"{'descr': '<f8', 'fortran_order': False}", "(the header has no 'shape')"},
      {"{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 2)}", "(its fortran_order is not True or False)"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, -2)}", "(its shape is not a tuple of sizes)"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': [2, 2]}", "(its shape is not a tuple of sizes)"},
      {"{'descr': <f8, 'fortran_order': False, 'shape': (2, 2)}", "(its descr is not a dtype string)"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'extra': 1}",
       "(the header has an unknown key 'extra')"},
      {"{'descr': '<f8' 'fortran_order': False, 'shape': (2, 2)}", "(the header is not a Python dict)"},
  };
  for (const auto& c : cases) {
    const std::string path = temp_path("header.npy");
    write_npy_by_hand(path, c.dict, std::string(32, '\0'));
    expect_error([&] { read_reference_image(path); }, path, "not a .npy array " + c.expected);
  }
}

TEST(ReferenceImage, KeepsTheMessageOneLineWhateverTheHeaderHolds) {
  const std::string path = temp_path("newline.npy");
  write_npy_by_hand(path, "{'descr': '<f\n8', 'fortran_order': False, 'shape': (2, 2), }", std::string(32, '\0'));
  expect_error([&] { read_reference_image(path); }, path, "not a .npy array (its descr is not a dtype string)");
  write_npy_by_hand(path, "{'descr': '<f8', 'fortran_order': False, 'sha\rpe': (2, 2), }", std::string(32, '\0'));
  expect_error([&] { read_reference_image(path); }, path, "not a .npy array (the header is not a Python dict)");
}

TEST(ReferenceImage, RefusesBigEndianData) {
  const std::string path = temp_path("big.npy");
  write_npy_by_hand(path, dict_for(">f8", "(2, 2)"), std::string(32, '\0'));
  expect_error([&] { read_reference_image(path); }, path, "dtype '>f8' is big-endian");
}

TEST(ReferenceImage, RefusesATruncatedDataSection) {
  const std::string path = temp_path("cut.npy");
  write_npy_by_hand(path, dict_for("<u2", "(3, 4)"), std::string(23, '\x01'));
  expect_error([&] { read_reference_image(path); }, path,
               "the data is cut short: shape (3, 4) of '<u2' needs 24 bytes, the file holds 23 after its header");
  const std::string header_only = temp_path("header_cut.npy");
  std::ofstream(header_only, std::ios::binary) << std::string("\x93NUMPY\x01\x00\x76\x00{'descr'", 18);
  expect_error([&] { read_reference_image(header_only); }, header_only, "not a .npy array (the header is cut short)");
  const std::string huge_header = temp_path("huge_header.npy");  // version 2.0: a uint32 length of 2^31
  std::ofstream(huge_header, std::ios::binary) << std::string("\x93NUMPY\x02\x00\x00\x00\x00\x80{'descr'", 20);
  expect_error([&] { read_reference_image(huge_header); }, huge_header,
               "not a .npy array (a header of 2147483648 bytes; at most 1048576 are read)");
}

TEST(ReferenceImage, RefusesAnEmptyImage) {
  const std::string path = temp_path("empty.npy");
  write_npy_by_hand(path, dict_for("<f8", "(0, 5)"), "");
  expect_error([&] { read_reference_image(path); }, path, "the image is empty, shape (0, 5)");
}

TEST(ReferenceImage, RefusesMorePixelsThanTheFrameLimit) {
  const std::string path = temp_path("large.npy");
  write_npy_by_hand(path, dict_for("<u2", "(100, 200)"), std::string(100 * 200 * 2, '\0'));
  EXPECT_EQ(read_reference_image(path, 40000).shape, (FrameShape{200, 100}));
  expect_error([&] { read_reference_image(path, 39999); }, path,
               "shape (100, 200) of '<u2' has more pixels than the limit of");
  // A shape whose product overflows 64 bits is refused by the limit, not allocated.
  const std::string huge = temp_path("huge.npy");
  write_npy_by_hand(huge, dict_for("<f8", "(4294967296, 4294967296)"), "");
  expect_error([&] { read_reference_image(huge); }, huge, "has more pixels than the limit of 64 MiB");
}

TEST(ReferenceImage, RefusesATiffWithSeveralPages) {
  const std::string path = temp_path("movie.tif");
  TiffMovieWriter writer(path, FrameShape{4, 3}, PixelType::kU16);
  const std::vector<std::uint16_t> frame(12, 7);
  for (int t = 0; t < 3; ++t) writer.append(FrameView<std::uint16_t>(frame.data(), FrameShape{4, 3}));
  writer.close();
  expect_error([&] { read_reference_image(path); }, path,
               "has 3 pages; a reference is one image: save the mean image, e.g. calmon-analyze's all_mean.tif");
}

TEST(ReferenceImage, RefusesANonFinitePixelNamingTheFirst) {
  Image image = sample_image();
  image.pixels[1 * 5 + 3] = std::numeric_limits<double>::quiet_NaN();  // x 3, y 1
  image.pixels[2 * 5 + 0] = std::numeric_limits<double>::infinity();
  const std::string base = temp_path("nan");
  write_image(base, image);
  for (const std::string& path : {base + ".npy", base + ".tif"}) {
    expect_error([&] { read_reference_image(path); }, path, "pixel x 3, y 1 is NaN; a reference image must be finite");
  }
  image.pixels[1 * 5 + 3] = 0.0;
  image.pixels[2 * 5 + 4] = -std::numeric_limits<double>::infinity();
  write_image(base, image);
  expect_error([&] { read_reference_image(base + ".npy"); }, base + ".npy", "pixel x 0, y 2 is inf");
}

}  // namespace
}  // namespace calmon::io
