// Pins numpy_sum.h to numpy itself: float sums in numpy's order, bit for bit.
#include "core/numpy_sum.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_support.h"

namespace calmon {
namespace {

// Random values in [100, 5000].
template <class F> std::vector<F> random_values(std::size_t n, unsigned seed) {
  return test::random_pixels<F>(n, seed, 100.0, 5000.0);
}

TEST(NumpySum, FewerThanEightValuesAreAddedInOrder) {
  const std::vector<float> v = {1e8f, 1.0f, -1e8f, 1.0f};
  EXPECT_EQ(numpy_pairwise_sum(v.data(), v.size()), ((1e8f + 1.0f) + -1e8f) + 1.0f);
}

TEST(NumpySum, BlocksUseEightInterleavedAccumulators) {
  std::vector<double> v(21);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 1.0 / static_cast<double>(i + 3);
  double r[8];
  for (int j = 0; j < 8; ++j) r[j] = v[j] + v[8 + j];
  double expected = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (std::size_t i = 16; i < 21; ++i) expected += v[i];
  EXPECT_EQ(numpy_pairwise_sum(v.data(), v.size()), expected);
}

TEST(NumpySum, ChunkedSumOfRunsEqualsSumOfContiguousValues) {
  const std::vector<float> v = random_values<float>(30000, 7);
  NumpyChunkedSum<float> chunked;
  std::size_t at = 0;
  for (std::size_t run : {1u, 100u, 8191u, 3u, 9000u, 20u}) {
    chunked.add(v.data() + at, run);
    at += run;
  }
  chunked.add(v.data() + at, v.size() - at);
  EXPECT_EQ(chunked.total(), numpy_sum(v.data(), v.size()));
}

// numpy.sum of contiguous arrays of many lengths (around the 8-, 128- and 8192-element
// boundaries) in float32 and float64, compared bit for bit.
TEST(NumpySum, EqualsNumpyAddReduceBitForBit) {
  if (!test::python_has("numpy")) GTEST_SKIP() << "/usr/bin/python3 has no numpy";
  const std::filesystem::path dir = test::temp_dir("numpy_sum_test");
  const std::vector<std::size_t> lengths = {1,    7,    8,    9,    127,   128,   129,   200,
                                            1000, 8191, 8192, 8193, 16385, 30000, 262144};
  const std::vector<float> f32 = random_values<float>(262144, 1);
  const std::vector<double> f64 = random_values<double>(262144, 2);
  test::write_raw(dir / "f32.raw", f32);
  test::write_raw(dir / "f64.raw", f64);
  std::string lengths_text;
  for (std::size_t n : lengths) lengths_text += std::to_string(n) + ",";
  const std::string script =
      "import numpy as np, sys\n"
      "d = sys.argv[1]\n"
      "a = np.fromfile(d + '/f32.raw', np.float32)\n"
      "b = np.fromfile(d + '/f64.raw', np.float64)\n"
      "out = []\n"
      "for n in [" +
      lengths_text +
      "]:\n"
      "    out += [float(a[:n].sum()), float(b[:n].sum())]\n"
      "np.array(out, np.float64).tofile(d + '/sums.f64')\n";
  ASSERT_EQ(test::run_python(dir / "sum.py", script, dir.string()), 0);
  const std::vector<double> sums = test::read_raw<double>(dir / "sums.f64", 2 * lengths.size());
  for (std::size_t k = 0; k < lengths.size(); ++k) {
    EXPECT_EQ(static_cast<double>(numpy_sum(f32.data(), lengths[k])), sums[2 * k]) << "float32 n=" << lengths[k];
    EXPECT_EQ(numpy_sum(f64.data(), lengths[k]), sums[2 * k + 1]) << "float64 n=" << lengths[k];
  }
}

}  // namespace
}  // namespace calmon
