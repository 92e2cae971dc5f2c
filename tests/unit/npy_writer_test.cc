// npy_writer_test.cc — write_npy and NpyAppender, checked by numpy itself.
//
// numpy.load must give back the same dtype, shape and bytes for every element type;
// the header must follow format 1.0 (64-byte aligned, '\n'-terminated); and a file an
// NpyAppender is still writing must load after every flush, with the rows so far.
#include "io/npy_writer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "test_support.h"

namespace calmon::io {
namespace {

using test::expect_error;
using test::read_file;
using test::write_raw;

// A fresh path for this test: <tmp>/npy_writer_test/<Suite.Test>_<name>.
std::string temp_path(const std::string& name) { return test::temp_path("npy_writer_test", name); }

int run_python(const std::string& script) { return test::run_python(temp_path("script.py"), script); }

template <class T> std::vector<T> pattern(std::size_t count) {
  std::vector<T> values(count);
  for (std::size_t i = 0; i < count; ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      values[i] = i == 1   ? std::numeric_limits<T>::quiet_NaN()
                  : i == 2 ? -std::numeric_limits<T>::infinity()
                           : static_cast<T>((static_cast<double>(i) - 4.5) / 3.0);
    } else {
      values[i] = static_cast<T>(i * 0x9E3779B97F4A7C15ULL);  // wraps: reaches the high bits
    }
  }
  return values;
}

// The header's own description of itself: total length, and the text after the preamble.
struct NpyHeader {
  std::size_t total_bytes = 0;
  std::string dict;
};

NpyHeader parse_header(const std::string& bytes) {
  NpyHeader header;
  EXPECT_GE(bytes.size(), 10U);
  if (bytes.size() < 10) return header;
  EXPECT_EQ(bytes.substr(0, 6), std::string("\x93NUMPY", 6));
  EXPECT_EQ(bytes[6], '\x01');
  EXPECT_EQ(bytes[7], '\x00');
  const std::size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  header.total_bytes = 10 + header_len;
  EXPECT_EQ(header.total_bytes % 64, 0U);
  EXPECT_LE(header.total_bytes, bytes.size());
  header.dict = bytes.substr(10, header_len);
  EXPECT_EQ(header.dict.back(), '\n');
  return header;
}

// --- every element type ---------------------------------------------------------------

template <class T> class NpyEveryType : public ::testing::Test {};
using ElementTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t, std::int32_t,
                                      std::int64_t, float, double>;
TYPED_TEST_SUITE(NpyEveryType, ElementTypes);

TYPED_TEST(NpyEveryType, WriteNpyLoadsInNumpyWithTheSameDtypeShapeAndBytes) {
  using T = TypeParam;
  const std::string path = temp_path("array.npy");
  const std::vector<T> values = pattern<T>(3 * 4 * 5);
  write_npy<T>(path, values, {3, 4, 5});
  write_raw(path + ".bin", values);
  const NpyHeader header = parse_header(read_file(path));
  EXPECT_EQ(read_file(path).size(), header.total_bytes + values.size() * sizeof(T));
  EXPECT_EQ(run_python("import numpy\n"
                       "a = numpy.load('" +
                       path +
                       "')\n"
                       "e = numpy.fromfile('" +
                       path + ".bin', dtype='" + test::numpy_descr<T>() +
                       "').reshape(3, 4, 5)\n"
                       "assert a.dtype.str == '" +
                       test::numpy_descr<T>() +
                       "', a.dtype.str\n"
                       "assert a.shape == (3, 4, 5), a.shape\n"
                       "assert not numpy.isfortran(a)\n"
                       "assert a.tobytes() == e.tobytes(), 'values differ'\n"),
            0);
}

TYPED_TEST(NpyEveryType, AppenderLoadsInNumpyAfterEveryFlushWhileStillOpen) {
  using T = TypeParam;
  const std::string path = temp_path("rows.npy");
  const std::vector<T> values = pattern<T>(5 * 2);
  write_raw(path + ".bin", values);
  NpyAppender<T> appender(path, {2});
  for (std::size_t rows = 0; rows < 5; ++rows) {
    appender.append(std::span<const T>(values).subspan(rows * 2, 2));
    appender.flush();
    const std::string count = std::to_string(rows + 1);
    EXPECT_EQ(run_python("import numpy\n"
                         "a = numpy.load('" +
                         path +
                         "')\n"
                         "e = numpy.fromfile('" +
                         path + ".bin', dtype='" + test::numpy_descr<T>() +
                         "').reshape(5, 2)\n"
                         "assert a.dtype.str == '" +
                         test::numpy_descr<T>() +
                         "', a.dtype.str\n"
                         "assert a.shape == (" +
                         count +
                         ", 2), a.shape\n"
                         "assert a.tobytes() == e[:" +
                         count + "].tobytes(), 'values differ'\n"),
              0)
        << "after row " << rows;
  }
  EXPECT_EQ(appender.rows(), 5U);
}

// --- shapes and headers ---------------------------------------------------------------

TEST(WriteNpy, WritesOneDimensionalAndScalarShapesAsNumpyDoes) {
  const std::string vector_path = temp_path("vector.npy");
  const std::string scalar_path = temp_path("scalar.npy");
  const std::vector<double> values = {1.0, 2.5, -3.0};
  write_npy<double>(vector_path, values);
  write_npy<double>(scalar_path, std::span<const double>(values).first(1), {});
  EXPECT_NE(parse_header(read_file(vector_path)).dict.find("'shape': (3,)"), std::string::npos);
  EXPECT_NE(parse_header(read_file(scalar_path)).dict.find("'shape': ()"), std::string::npos);
  EXPECT_EQ(run_python("import numpy\n"
                       "v = numpy.load('" +
                       vector_path +
                       "')\n"
                       "s = numpy.load('" +
                       scalar_path +
                       "')\n"
                       "assert v.shape == (3,) and list(v) == [1.0, 2.5, -3.0], v\n"
                       "assert s.shape == () and s == 1.0, s\n"),
            0);
}

TEST(WriteNpy, WritesAnEmptyArray) {
  const std::string path = temp_path("empty.npy");
  write_npy<float>(path, std::span<const float>(), {0, 7});
  EXPECT_EQ(run_python("import numpy\n"
                       "a = numpy.load('" +
                       path +
                       "')\n"
                       "assert a.shape == (0, 7) and a.dtype == numpy.float32, (a.shape, a.dtype)\n"),
            0);
}

TEST(WriteNpy, HeaderMatchesNumpysOwnByteForByte) {
  const std::string ours = temp_path("ours.npy");
  const std::string theirs = temp_path("theirs.npy");
  const std::vector<std::int16_t> values = {1, -2, 3, -4, 5, -6};
  write_npy<std::int16_t>(ours, values, {2, 3});
  ASSERT_EQ(run_python("import numpy\n"
                       "numpy.save('" +
                       theirs + "', numpy.array([[1, -2, 3], [-4, 5, -6]], dtype='<i2'))\n"),
            0);
  EXPECT_EQ(read_file(ours), read_file(theirs));
}

TEST(WriteNpy, RejectsAShapeThatDoesNotHoldTheValues) {
  const std::string path = temp_path("bad_shape.npy");
  const std::vector<double> values(5);
  expect_error([&] { write_npy<double>(path, values, {2, 3}); }, path, "shape (2, 3) does not hold 5 values");
}

TEST(WriteNpy, RejectsAPathThatCannotBeCreated) {
  const std::string path = temp_path("no_such_dir") + "/array.npy";
  const std::vector<double> values(3);
  expect_error([&] { write_npy<double>(path, values); }, path, "cannot create: No such file or directory");
  expect_error([&] { NpyAppender<double> appender(path); }, path, "cannot create: No such file or directory");
}

// --- NpyAppender ----------------------------------------------------------------------

TEST(NpyAppender, IsAValidEmptyArrayBeforeTheFirstRow) {
  const std::string path = temp_path("trace.npy");
  NpyAppender<double> appender(path);
  EXPECT_EQ(run_python("import numpy\n"
                       "a = numpy.load('" +
                       path +
                       "')\n"
                       "assert a.shape == (0,) and a.dtype == numpy.float64, (a.shape, a.dtype)\n"),
            0);
}

TEST(NpyAppender, DestructorFlushesTheRowsNotYetFlushed) {
  const std::string path = temp_path("trace.npy");
  {
    NpyAppender<std::int64_t> appender(path, {2, 3});
    for (std::int64_t row = 0; row < 4; ++row) {
      std::vector<std::int64_t> values(6);
      std::iota(values.begin(), values.end(), row * 6 - 10);
      appender.append(values);
    }
  }
  EXPECT_EQ(run_python("import numpy\n"
                       "a = numpy.load('" +
                       path +
                       "')\n"
                       "assert a.shape == (4, 2, 3) and a.dtype == numpy.int64, (a.shape, a.dtype)\n"
                       "assert (a.ravel() == numpy.arange(-10, 14)).all(), a\n"),
            0);
}

TEST(NpyAppender, KeepsTheDataInPlaceAndHasRoomForATwentyDigitRowCount) {
  const std::string path = temp_path("trace.npy");
  NpyAppender<float> appender(path, {3});
  const std::size_t data_start = parse_header(read_file(path)).total_bytes;
  const std::vector<float> row = {1.0f, 2.0f, 3.0f};
  for (int i = 0; i < 12; ++i) {
    appender.append(row);
    appender.flush();
    const std::string bytes = read_file(path);
    const NpyHeader header = parse_header(bytes);
    EXPECT_EQ(header.total_bytes, data_start);
    EXPECT_EQ(bytes.size(), data_start + (i + 1) * sizeof row[0] * 3);
    EXPECT_NE(header.dict.find("'shape': (" + std::to_string(i + 1) + ", 3)"), std::string::npos) << header.dict;
  }
  const std::string widest = "{'descr': '<f4', 'fortran_order': False, 'shape': (18446744073709551615, 3), }\n";
  EXPECT_GE(data_start, 10 + widest.size());
}

TEST(NpyAppender, RejectsARowOfTheWrongSize) {
  const std::string path = temp_path("trace.npy");
  NpyAppender<double> appender(path, {2, 3});
  const std::vector<double> row(5);
  expect_error([&] { appender.append(row); }, path, "cannot append a row of 5 values, rows have shape (2, 3)");
  EXPECT_EQ(appender.rows(), 0U);
}

// --- rows past the header after a crash ---------------------------------------------

// An appender's file with `flushed` rows counted by its header, then, as if its writer
// had died before the next flush, `more` whole rows and half a row appended raw.
std::string crashed_array(const std::string& path, std::size_t flushed, std::size_t more) {
  {
    NpyAppender<double> appender(path, {3});
    for (std::size_t row = 0; row < flushed; ++row) {
      const std::vector<double> values = {row + 0.25, row + 0.5, row + 0.75};
      appender.append(values);
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::app);
  for (std::size_t row = flushed; row < flushed + more; ++row) {
    const double values[3] = {row + 0.25, row + 0.5, row + 0.75};
    out.write(reinterpret_cast<const char*>(values), sizeof values);
  }
  out.write("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 12);  // half a row
  return path;
}

TEST(NpyRows, CountsTheWholeRowsPastTheHeadersCount) {
  const std::string path = crashed_array(temp_path("F.npy"), 5, 3);
  const NpyRowCount count = count_npy_rows(path);
  EXPECT_EQ(count.in_header, 5u);
  EXPECT_EQ(count.whole, 8u);
}

TEST(NpyRows, KeepingThemRewritesTheHeaderInPlaceAndCutsThePartialRow) {
  const std::string path = crashed_array(temp_path("F.npy"), 5, 3);
  const std::size_t header_bytes = parse_header(read_file(path)).total_bytes;
  set_npy_rows(path, 8);
  EXPECT_EQ(parse_header(read_file(path)).total_bytes, header_bytes);
  EXPECT_EQ(read_file(path).size(), header_bytes + 8 * 3 * sizeof(double));
  EXPECT_EQ(run_python("import numpy\n"
                       "a = numpy.load('" +
                       path +
                       "')\n"
                       "e = numpy.arange(8)[:, None] + numpy.array([0.25, 0.5, 0.75])\n"
                       "assert a.shape == (8, 3) and (a == e).all(), a\n"),
            0);
  set_npy_rows(path, 6);  // fewer: what another file of the recording holds
  EXPECT_EQ(count_npy_rows(path).in_header, 6u);
  EXPECT_EQ(count_npy_rows(path).whole, 6u);
  expect_error([&] { set_npy_rows(path, 7); }, path, "cannot keep 7 rows, it holds 6");
}

TEST(NpyRows, RowsOfNoBytesAreTheHeadersCount) {
  const std::string path = temp_path("F.npy");
  {
    NpyAppender<double> appender(path, {0});
    for (int i = 0; i < 4; ++i) appender.append({});
  }
  EXPECT_EQ(count_npy_rows(path).in_header, 4u);
  EXPECT_EQ(count_npy_rows(path).whole, 4u);
}

TEST(NpyRows, RefusesFilesThatAreNotArraysCalmonWrites) {
  const std::string text = temp_path("notes.npy");
  std::ofstream(text) << "not an array\n";
  expect_error([&] { count_npy_rows(text); }, text, "not a .npy array calmon writes (no .npy magic)");
  const std::string scalar = temp_path("scalar.npy");
  write_npy<double>(scalar, std::vector<double>{1.0}, {});
  expect_error([&] { count_npy_rows(scalar); }, scalar, "0-d array");
  expect_error([&] { count_npy_rows(temp_path("missing.npy")); }, temp_path("missing.npy"), "cannot open");
}

}  // namespace
}  // namespace calmon::io
