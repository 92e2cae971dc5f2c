// synthetic_movie_test.cc — pins down the synthetic movie calmon's demo and tests run on.
//
// What is pinned: the bytes (a checksum of the default movie, so a change to the model
// or to the random streams is a deliberate act), determinism, the notebook's
// coordinates landing on cells and neuropil as cell_layout.h promises, and the physics
// the notebook's steps rely on: cells brighten after their spikes, neuropil pixels
// follow the neuropil signal, subtracting 0.7 · neuropil brings a cell closer to its
// truth, and a moving-median baseline beats a constant one because of the drift.
// Also the building blocks: portable math against libm, the samplers' moments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rect.h"
#include "io/tiff_movie_reader.h"
#include "io/tiff_writer.h"
#include "synth/calcium_trace.h"
#include "synth/cell_layout.h"
#include "synth/portable_math.h"
#include "synth/random_stream.h"
#include "synth/synthetic_movie.h"
#include "test_support.h"

namespace calmon::synth {
namespace {

// ---------- helpers ----------

std::uint64_t fnv1a(const void* data, std::size_t bytes, std::uint64_t hash = 0xCBF29CE484222325ULL) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * 0x100000001B3ULL;
  return hash;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double mean_a = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mean_b = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += (a[i] - mean_a) * (b[i] - mean_b);
    aa += (a[i] - mean_a) * (a[i] - mean_a);
    bb += (b[i] - mean_b) * (b[i] - mean_b);
  }
  return ab / std::sqrt(aa * bb);
}

// scipy.ndimage.median_filter(values, window), mode='reflect' (d c b a | a b c d | d c b a).
std::vector<double> reflect_median_filter(const std::vector<double>& values, int window) {
  const auto n = static_cast<std::int64_t>(values.size());
  std::vector<double> out(values.size()), scratch(static_cast<std::size_t>(window));
  for (std::int64_t t = 0; t < n; ++t) {
    for (int k = 0; k < window; ++k) {
      std::int64_t i = t - window / 2 + k;
      if (i < 0) i = -i - 1;
      if (i >= n) i = 2 * n - i - 1;
      scratch[static_cast<std::size_t>(k)] = values[static_cast<std::size_t>(i)];
    }
    std::nth_element(scratch.begin(), scratch.begin() + window / 2, scratch.end());
    out[static_cast<std::size_t>(t)] = scratch[static_cast<std::size_t>(window / 2)];
  }
  return out;
}

std::size_t cell_index_at(const SyntheticMovie& movie, int x, int y) {
  const std::uint16_t label = movie.label_image()[static_cast<std::size_t>(y) * movie.shape().width + x];
  EXPECT_NE(label, 0) << "pixel (" << x << ", " << y << ") is in no cell";
  return label == 0 ? 0 : static_cast<std::size_t>(label - 1);
}

// The default movie, rendered once for the whole suite (2000 × 60 × 80 uint16, 19 MB).
class DefaultMovie : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    movie_ = new SyntheticMovie();
    const std::size_t pixels = movie_->shape().pixel_count();
    frames_ = new std::vector<std::uint16_t>(pixels * static_cast<std::size_t>(movie_->frames()));
    for (std::int64_t t = 0; t < movie_->frames(); ++t) {
      movie_->render<std::uint16_t>(t, std::span(frames_->data() + static_cast<std::size_t>(t) * pixels, pixels));
    }
  }
  static void TearDownTestSuite() {
    delete frames_;
    delete movie_;
  }

  static const SyntheticMovie& movie() { return *movie_; }
  static std::uint16_t pixel(std::int64_t t, int x, int y) {
    const FrameShape shape = movie_->shape();
    return (
        *frames_)[static_cast<std::size_t>(t) * shape.pixel_count() + static_cast<std::size_t>(y) * shape.width + x];
  }
  // numpy's data[:, y, x].
  static std::vector<double> trace(int x, int y) {
    std::vector<double> values(static_cast<std::size_t>(movie_->frames()));
    for (std::int64_t t = 0; t < movie_->frames(); ++t) values[static_cast<std::size_t>(t)] = pixel(t, x, y);
    return values;
  }
  static std::vector<double> true_dff(std::size_t cell) {
    std::vector<double> values(static_cast<std::size_t>(movie_->frames()));
    for (std::int64_t t = 0; t < movie_->frames(); ++t) values[static_cast<std::size_t>(t)] = movie_->true_dff(cell, t);
    return values;
  }
  static const std::vector<std::uint16_t>& all_frames() { return *frames_; }

 private:
  static inline SyntheticMovie* movie_ = nullptr;
  static inline std::vector<std::uint16_t>* frames_ = nullptr;
};

struct NotebookPair {
  int cell_x, cell_y, neuropil_x, neuropil_y;
};
// The notebook's (cell pixel, neuropil pixel) pairs, section 2 and 3.
constexpr NotebookPair kNotebookPairs[] = {{39, 40, 39, 45}, {60, 30, 56, 33}, {21, 25, 20, 28}};

// ---------- building blocks ----------

TEST(PortableMath, AgreesWithLibmToAFewUlps) {
  for (double x = -700; x < 700; x += 0.37) {
    EXPECT_NEAR(portable_exp(x), std::exp(x), 4e-16 * std::exp(x)) << x;
  }
  for (double x = 1e-300; x < 1e300; x *= 3.7) {
    EXPECT_NEAR(portable_log(x), std::log(x), 4e-16 * std::fabs(std::log(x)) + 1e-300) << x;
  }
  for (double x = -2000; x < 2000; x += 0.123) EXPECT_NEAR(portable_sin(x), std::sin(x), 1e-15) << x;
  for (int k = 0; k < 500; ++k) {
    EXPECT_NEAR(portable_log_factorial(k), std::lgamma(k + 1.0), 1e-15 * (1 + std::lgamma(k + 1.0))) << k;
  }
}

TEST(PortableMath, HandlesTheEdges) {
  EXPECT_EQ(portable_exp(0), 1.0);
  EXPECT_EQ(portable_exp(-800), 0.0);
  EXPECT_TRUE(std::isinf(portable_exp(800)));
  EXPECT_EQ(portable_log(1), 0.0);
  EXPECT_TRUE(std::isinf(portable_log(0)));
  EXPECT_TRUE(std::isnan(portable_log(-1)));
  EXPECT_EQ(portable_sin(0), 0.0);
}

TEST(RandomStream, SameSeedSameNumbersDifferentStreamsDiffer) {
  RandomStream a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    EXPECT_NE(x, c.next_u64());
  }
  EXPECT_NE(RandomStream::for_stream(1, 4, 0).next_u64(), RandomStream::for_stream(1, 4, 1).next_u64());
  EXPECT_NE(RandomStream::for_stream(1, 4, 0).next_u64(), RandomStream::for_stream(1, 3, 0).next_u64());
}

TEST(RandomStream, SamplersHaveTheirMoments) {
  RandomStream random(7);
  constexpr int kDraws = 200000;
  double sum = 0, sum_squares = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double u = random.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  for (int i = 0; i < kDraws; ++i) {
    const double z = random.normal();
    sum += z;
    sum_squares += z * z;
  }
  EXPECT_NEAR(sum / kDraws, 0.0, 0.01);
  EXPECT_NEAR(sum_squares / kDraws, 1.0, 0.01);
  for (double mean : {0.3, 4.0, 11.9, 12.0, 35.0, 400.0, 3000.0}) {
    double s = 0, s2 = 0;
    for (int i = 0; i < kDraws; ++i) {
      const auto k = static_cast<double>(random.poisson(mean));
      ASSERT_GE(k, 0.0);
      s += k;
      s2 += k * k;
    }
    const double m = s / kDraws;
    EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / kDraws)) << "mean " << mean;
    EXPECT_NEAR(s2 / kDraws - m * m, mean, 0.02 * mean + 0.01) << "variance at mean " << mean;
  }
  EXPECT_EQ(random.poisson(0), 0);
  EXPECT_THROW(random.poisson(-1), Error);
}

TEST(CalciumTrace, RisesFastAndDecaysWithItsTimeConstant) {
  const CalciumKernel kernel(0.05, 0.8);
  EXPECT_EQ(kernel.value(-0.1), 0.0);
  EXPECT_EQ(kernel.value(0.0), 0.0);
  EXPECT_NEAR(kernel.value(kernel.peak_time_s()), 1.0, 1e-12);
  EXPECT_LT(kernel.peak_time_s(), 0.25);
  // Long after the peak the rise term is gone: one decay constant divides by e.
  EXPECT_NEAR(kernel.value(2.8) / kernel.value(2.0), std::exp(-1.0), 1e-6);
  const CalciumTrace trace(kernel, {{5.0, 0.5}, {1.0, 0.3}});
  EXPECT_EQ(trace.value_at(0.99), 0.0);
  EXPECT_NEAR(trace.value_at(1.0 + kernel.peak_time_s()), 0.3, 1e-12);
  EXPECT_NEAR(trace.value_at(5.0 + kernel.peak_time_s()), 0.5 + 0.3 * kernel.value(4.0 + kernel.peak_time_s()), 1e-12);
  EXPECT_THROW(CalciumKernel(0.8, 0.05), Error);
}

// ---------- parameters and frame requests ----------

TEST(SyntheticMovie, DefaultsAreTheDemoMovieShape) {
  const MovieParams params;
  EXPECT_EQ(params.frames, 2000);
  EXPECT_EQ(params.width, 80);
  EXPECT_EQ(params.height, 60);
  EXPECT_EQ(params.pixel_type, PixelType::kU16);
  EXPECT_EQ(params.frame_rate_hz, 30.0);
}

TEST(SyntheticMovie, RejectsBadParameters) {
  auto with = [](auto change) {
    MovieParams params;
    change(params);
    return params;
  };
  EXPECT_THROW(SyntheticMovie(with([](MovieParams& p) { p.frames = 0; })), Error);
  EXPECT_THROW(SyntheticMovie(with([](MovieParams& p) { p.width = 0; })), Error);
  EXPECT_THROW(SyntheticMovie(with([](MovieParams& p) { p.height = 5000; })), Error);
  EXPECT_THROW(SyntheticMovie(with([](MovieParams& p) { p.frame_rate_hz = -30; })), Error);
  EXPECT_THROW(SyntheticMovie(with([](MovieParams& p) { p.frame_rate_hz = std::nan(""); })), Error);
}

TEST(SyntheticMovie, RejectsBadFrameRequests) {
  MovieParams params;
  params.frames = 10;
  const SyntheticMovie movie(params);
  std::vector<std::uint16_t> frame(movie.shape().pixel_count());
  std::vector<float> wrong_type(movie.shape().pixel_count());
  std::vector<std::uint16_t> wrong_size(10);
  EXPECT_THROW(movie.render<std::uint16_t>(10, frame), Error);
  EXPECT_THROW(movie.render<std::uint16_t>(-1, frame), Error);
  EXPECT_THROW(movie.render<float>(0, wrong_type), Error);
  EXPECT_THROW(movie.render<std::uint16_t>(0, wrong_size), Error);
  EXPECT_THROW(movie.true_dff(99, 0), Error);
}

// ---------- determinism ----------

TEST(SyntheticMovie, SameParametersGiveIdenticalFramesInAnyOrder) {
  MovieParams params;
  params.frames = 50;
  const SyntheticMovie first(params), second(params);
  std::vector<std::uint16_t> a(first.shape().pixel_count()), b(a.size());
  for (std::int64_t t = 49; t >= 0; t -= 7) {  // backwards, skipping: frames are independent
    first.render<std::uint16_t>(t, a);
    second.render<std::uint16_t>(t, b);
    EXPECT_EQ(a, b) << "frame " << t;
  }
}

TEST(SyntheticMovie, DifferentSeedsGiveDifferentMovies) {
  MovieParams params;
  params.frames = 5;
  MovieParams other = params;
  other.seed = 2;
  const SyntheticMovie a(params), b(other);
  std::vector<std::uint16_t> frame_a(a.shape().pixel_count()), frame_b(frame_a.size());
  a.render<std::uint16_t>(3, frame_a);
  b.render<std::uint16_t>(3, frame_b);
  EXPECT_NE(frame_a, frame_b);
  EXPECT_NE(a.cells()[0].resting_photons, b.cells()[0].resting_photons);
}

TEST(SyntheticMovie, ALongerMovieStartsWithTheShorterOne) {
  MovieParams short_params;
  short_params.frames = 300;
  MovieParams long_params = short_params;
  long_params.frames = 900;
  const SyntheticMovie short_movie(short_params), long_movie(long_params);
  std::vector<std::uint16_t> a(short_movie.shape().pixel_count()), b(a.size());
  for (std::int64_t t : {0, 150, 299}) {
    short_movie.render<std::uint16_t>(t, a);
    long_movie.render<std::uint16_t>(t, b);
    EXPECT_EQ(a, b) << "frame " << t;
  }
}

// The bytes themselves. If this fails after a deliberate change to the model, update the
// constant (and regenerate anything stored from the old movie); if it fails on another
// machine or compiler, the movie is not portable and that is a bug.
TEST_F(DefaultMovie, BytesArePinned) {
  const FrameShape shape = movie().shape();
  std::uint64_t hash = fnv1a(nullptr, 0);
  for (std::int64_t t : {0, 115, 1999}) {
    hash = fnv1a(all_frames().data() + static_cast<std::size_t>(t) * shape.pixel_count(),
                 shape.pixel_count() * sizeof(std::uint16_t), hash);
  }
  const std::vector<std::uint16_t> labels = movie().label_image();
  hash = fnv1a(labels.data(), labels.size() * sizeof(std::uint16_t), hash);
  EXPECT_EQ(hash, 0x8586dbaba18ee4a8ULL) << std::hex << "actual 0x" << hash;
}

// ---------- the notebook's coordinates ----------

TEST_F(DefaultMovie, HasTenNonOverlappingCells) {
  ASSERT_EQ(movie().cells().size(), 10u);
  const std::vector<std::uint16_t> labels = movie().label_image();
  for (const SimulatedCell& cell : movie().cells()) {
    int in_mask = 0;
    for (int y = 0; y < 60; ++y) {
      for (int x = 0; x < 80; ++x) {
        if (!cell.shape.contains(x, y)) continue;
        ++in_mask;
        EXPECT_EQ(labels[static_cast<std::size_t>(y) * 80 + x], cell.id) << "overlap at " << x << "," << y;
      }
    }
    EXPECT_GE(in_mask, 30) << "cell " << cell.id;  // radius ~3–5 px
    EXPECT_LE(in_mask, 80) << "cell " << cell.id;
  }
}

TEST_F(DefaultMovie, NotebookCellPixelsAreInDistinctCells) {
  const std::size_t a = cell_index_at(movie(), 21, 25);
  const std::size_t b = cell_index_at(movie(), 60, 30);
  const std::size_t c = cell_index_at(movie(), 39, 40);
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(b, c);
  // Well inside, not on a soft edge.
  for (auto [x, y] : {std::pair{21, 25}, std::pair{60, 30}, std::pair{39, 40}}) {
    EXPECT_GT(movie().weight_image(cell_index_at(movie(), x, y))[static_cast<std::size_t>(y) * 80 + x], 0.75);
  }
}

TEST_F(DefaultMovie, NotebookRectanglesEachHoldAWholeCell) {
  // The notebook's cell table, and the cell id each rectangle must hold whole: the cells
  // of its pixels (21, 25) and (60, 30), and cell 3.
  struct TableRow {
    Rect rect;
    int id;
  };
  const TableRow cell_table[] = {{{15, 35, 20, 35}, static_cast<int>(cell_index_at(movie(), 21, 25)) + 1},
                                 {{55, 75, 23, 40}, static_cast<int>(cell_index_at(movie(), 60, 30)) + 1},
                                 {{0, 10, 23, 40}, 3}};
  for (const TableRow& row : cell_table) {
    std::vector<int> whole_cells;
    for (const SimulatedCell& cell : movie().cells()) {
      const Rect& b = cell.mask_bounds;
      const Rect& r = row.rect;
      if (b.xmin >= r.xmin && b.xmax <= r.xmax && b.ymin >= r.ymin && b.ymax <= r.ymax) {
        whole_cells.push_back(cell.id);
      }
    }
    EXPECT_EQ(whole_cells, std::vector<int>{row.id}) << row.rect.to_string();
  }
}

TEST_F(DefaultMovie, NotebookNeuropilPixelsAreOutsideEveryCell) {
  const std::vector<std::uint16_t> labels = movie().label_image();
  for (const NotebookPair& pair : kNotebookPairs) {
    const std::size_t p = static_cast<std::size_t>(pair.neuropil_y) * 80 + pair.neuropil_x;
    EXPECT_EQ(labels[p], 0) << "(" << pair.neuropil_x << ", " << pair.neuropil_y << ")";
    for (std::size_t i = 0; i < movie().cells().size(); ++i) {
      EXPECT_LT(movie().weight_image(i)[p], 0.05)
          << "cell " << i + 1 << " leaks into (" << pair.neuropil_x << ", " << pair.neuropil_y << ")";
    }
  }
}

TEST(SyntheticMovie, LargerFramesRepeatTheNotebookTile) {
  MovieParams params;
  params.frames = 2;
  params.width = 160;
  params.height = 120;
  const SyntheticMovie big(params);
  ASSERT_EQ(big.cells().size(), 40u);
  const auto& tile = notebook_tile_cells();
  for (std::size_t i = 0; i < tile.size(); ++i) {
    EXPECT_EQ(big.cells()[i].shape.center_x(), tile[i].center_x());
    EXPECT_EQ(big.cells()[i + 10].shape.center_x(), tile[i].center_x() + 80);
    EXPECT_EQ(big.cells()[i + 20].shape.center_y(), tile[i].center_y() + 60);
  }
  params.width = 30;
  params.height = 20;
  const SyntheticMovie small(params);
  for (const SimulatedCell& cell : small.cells()) EXPECT_FALSE(cell.mask_bounds.empty());
  EXPECT_LT(small.cells().size(), 10u);
}

// ---------- the physics the notebook relies on ----------

TEST_F(DefaultMovie, ValuesAreRealisticAndNeverClipped) {
  const auto [low, high] = std::minmax_element(all_frames().begin(), all_frames().end());
  EXPECT_GT(*low, 100);    // above the offset: nothing clipped at 0
  EXPECT_LT(*high, 4000);  // far below 65535
  // Background a few hundred counts, cells brighter.
  EXPECT_GT(pixel(0, 39, 45), 250);
  EXPECT_LT(pixel(0, 39, 45), 600);
  double cell_mean = 0, neuropil_mean = 0;
  for (const NotebookPair& pair : kNotebookPairs) {
    const std::vector<double> cell = trace(pair.cell_x, pair.cell_y);
    const std::vector<double> neuropil = trace(pair.neuropil_x, pair.neuropil_y);
    cell_mean += std::accumulate(cell.begin(), cell.end(), 0.0) / cell.size();
    neuropil_mean += std::accumulate(neuropil.begin(), neuropil.end(), 0.0) / neuropil.size();
  }
  EXPECT_GT(cell_mean, 1.5 * neuropil_mean);
}

TEST_F(DefaultMovie, TrueDffIsSparseTransientsUpToAboutTwo) {
  for (std::size_t i = 0; i < movie().cells().size(); ++i) {
    const SimulatedCell& cell = movie().cells()[i];
    EXPECT_GE(cell.spike_frames.size(), 5u) << "cell " << cell.id;
    EXPECT_TRUE(std::is_sorted(cell.spike_frames.begin(), cell.spike_frames.end()));
    EXPECT_GE(cell.spike_frames.front(), 0);
    EXPECT_LT(cell.spike_frames.back(), movie().frames());
    const std::vector<double> dff = true_dff(i);
    EXPECT_GE(*std::min_element(dff.begin(), dff.end()), 0.0);
    EXPECT_GT(*std::max_element(dff.begin(), dff.end()), 0.5) << "cell " << cell.id;
    EXPECT_LT(*std::max_element(dff.begin(), dff.end()), 3.0) << "cell " << cell.id;
    const auto quiet = std::count_if(dff.begin(), dff.end(), [](double v) { return v < 0.05; });
    EXPECT_GT(quiet, static_cast<long>(dff.size() / 3)) << "cell " << cell.id << " is never at rest";
  }
}

TEST_F(DefaultMovie, CellsBrightenRightAfterTheirSpikes) {
  const std::vector<std::uint16_t> labels = movie().label_image();
  auto mean_in_cell = [&](int id, std::int64_t t) {
    double sum = 0;
    int count = 0;
    for (int y = 0; y < 60; ++y) {
      for (int x = 0; x < 80; ++x) {
        if (labels[static_cast<std::size_t>(y) * 80 + x] == id) {
          sum += pixel(t, x, y);
          ++count;
        }
      }
    }
    return sum / count;
  };
  int spikes_checked = 0;
  double mean_ratio = 0;
  for (std::size_t i = 0; i < movie().cells().size(); ++i) {
    const SimulatedCell& cell = movie().cells()[i];
    for (std::size_t k = 0; k < cell.spike_frames.size(); ++k) {
      const std::int64_t s = cell.spike_frames[k];
      const bool isolated = k == 0 || s - cell.spike_frames[k - 1] > 60;  // 2 s of quiet before
      if (!isolated || s < 3 || s + 4 >= movie().frames()) continue;
      EXPECT_GT(movie().true_dff(i, s + 2), 0.1) << "cell " << cell.id << " spike at " << s;
      const double before = (mean_in_cell(cell.id, s - 3) + mean_in_cell(cell.id, s - 2)) / 2;
      const double after = (mean_in_cell(cell.id, s + 2) + mean_in_cell(cell.id, s + 3)) / 2;
      EXPECT_GT(after, before * 1.04) << "cell " << cell.id << " spike at frame " << s;
      mean_ratio += after / before;
      ++spikes_checked;
    }
  }
  EXPECT_GT(spikes_checked, 30);
  EXPECT_GT(mean_ratio / spikes_checked, 1.15);
}

TEST_F(DefaultMovie, NeuropilPixelsFollowTheNeuropilSignal) {
  std::vector<double> neuropil_light(static_cast<std::size_t>(movie().frames()));
  for (std::int64_t t = 0; t < movie().frames(); ++t) {
    neuropil_light[static_cast<std::size_t>(t)] = movie().drift_factor(t) * (1.0 + movie().neuropil_activity(t));
  }
  for (const NotebookPair& pair : kNotebookPairs) {
    EXPECT_GT(correlation(trace(pair.neuropil_x, pair.neuropil_y), neuropil_light), 0.8)
        << "(" << pair.neuropil_x << ", " << pair.neuropil_y << ")";
  }
  // The neuropil has a life of its own, weaker than the cells'.
  std::vector<double> activity(neuropil_light.size());
  for (std::int64_t t = 0; t < movie().frames(); ++t)
    activity[static_cast<std::size_t>(t)] = movie().neuropil_activity(t);
  const double peak = *std::max_element(activity.begin(), activity.end());
  EXPECT_GT(peak, 0.2);
  EXPECT_LT(peak, 1.0);
}

TEST_F(DefaultMovie, SubtractingSevenTenthsOfTheNeuropilHelps) {
  for (const NotebookPair& pair : kNotebookPairs) {
    const std::vector<double> cell = trace(pair.cell_x, pair.cell_y);
    const std::vector<double> neuropil = trace(pair.neuropil_x, pair.neuropil_y);
    std::vector<double> corrected(cell.size());
    for (std::size_t t = 0; t < cell.size(); ++t) corrected[t] = cell[t] - 0.7 * neuropil[t];
    const std::vector<double> truth = true_dff(cell_index_at(movie(), pair.cell_x, pair.cell_y));
    EXPECT_GT(correlation(corrected, truth), correlation(cell, truth) + 0.03)
        << "cell pixel (" << pair.cell_x << ", " << pair.cell_y << ")";
  }
}

TEST_F(DefaultMovie, DriftDimsTheWholeField) {
  EXPECT_LT(movie().drift_factor(movie().frames() - 1), 0.85 * movie().drift_factor(0));
  // Light above the detector offset, frame by frame (the notebook's global mean trace).
  const std::size_t pixels = movie().shape().pixel_count();
  std::vector<double> light(static_cast<std::size_t>(movie().frames()));
  for (std::size_t t = 0; t < light.size(); ++t) {
    const auto frame = all_frames().begin() + static_cast<std::ptrdiff_t>(t * pixels);
    light[t] = std::accumulate(frame, frame + static_cast<std::ptrdiff_t>(pixels), 0.0) / pixels -
               movie().detector().offset_counts;
  }
  // Medians of the first and last quarter, so that neuropil events do not count.
  auto median_of = [](std::vector<double> values) {
    std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
    return values[values.size() / 2];
  };
  const std::size_t quarter = light.size() / 4;
  const double early = median_of({light.begin(), light.begin() + quarter});
  const double late = median_of({light.end() - quarter, light.end()});
  EXPECT_LT(late, 0.85 * early);
}

TEST_F(DefaultMovie, MovingMedianBaselineBeatsAConstantOne) {
  for (const NotebookPair& pair : kNotebookPairs) {
    const std::vector<double> cell = trace(pair.cell_x, pair.cell_y);
    const std::vector<double> neuropil = trace(pair.neuropil_x, pair.neuropil_y);
    std::vector<double> corrected(cell.size());
    for (std::size_t t = 0; t < cell.size(); ++t) corrected[t] = cell[t] - 0.7 * neuropil[t];
    const std::vector<double> baseline = reflect_median_filter(corrected, 501);
    std::vector<double> moving_dff(cell.size());
    for (std::size_t t = 0; t < cell.size(); ++t) moving_dff[t] = (corrected[t] - baseline[t]) / baseline[t];
    const std::vector<double> truth = true_dff(cell_index_at(movie(), pair.cell_x, pair.cell_y));
    // Any constant F0 gives ΔF/F0 an affine function of F: its correlation is F's.
    EXPECT_GT(correlation(moving_dff, truth), correlation(corrected, truth) + 0.02)
        << "cell pixel (" << pair.cell_x << ", " << pair.cell_y << ")";
  }
}

// ---------- the file calmon-synth writes ----------

TEST_F(DefaultMovie, WrittenTiffReadsBackFrameForFrame) {
  const std::string path = test::temp_path("synthetic_movie_test", "movie.tif");
  const FrameShape shape = movie().shape();
  {
    io::TiffMovieWriter writer(path, shape, PixelType::kU16);
    for (std::int64_t t = 0; t < movie().frames(); ++t) {
      writer.append(
          FrameView<std::uint16_t>(all_frames().data() + static_cast<std::size_t>(t) * shape.pixel_count(), shape));
    }
    writer.close();
  }
  io::TiffMovieReader reader(path);
  ASSERT_EQ(reader.info().frames, 2000);
  ASSERT_EQ(reader.info().shape, (FrameShape{80, 60}));
  ASSERT_EQ(reader.info().pixel_type, PixelType::kU16);
  for (std::int64_t t : {0, 115, 1999}) {
    const AnyFrameView frame = reader.read(t);
    const auto* pixels = static_cast<const std::uint16_t*>(frame.data());
    EXPECT_TRUE(std::equal(pixels, pixels + shape.pixel_count(),
                           all_frames().begin() + static_cast<std::ptrdiff_t>(t * shape.pixel_count())))
        << "frame " << t;
  }

  // The notebook's own reader sees numpy's (2000, 60, 80) uint16 and the same pixels.
  if (!test::python_has("numpy, tifffile")) {
    GTEST_SKIP() << "/usr/bin/python3 with numpy and tifffile is not available";
  }
  const std::string check =
      "/usr/bin/python3 -c \"import sys, tifffile; d = tifffile.imread(sys.argv[1]); "
      "sys.exit(0 if d.shape == (2000, 60, 80) and d.dtype == 'uint16' and "
      "int(d[115, 40, 39]) == int(sys.argv[2]) else 1)\" '" +
      path + "' " + std::to_string(pixel(115, 39, 40));
  EXPECT_EQ(std::system(check.c_str()), 0) << check;
}

}  // namespace
}  // namespace calmon::synth
