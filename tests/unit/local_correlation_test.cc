// local_correlation_test.cc — the local-correlation image against Pearson's r computed
// naively for every pixel and neighbour, and the property it exists for: a cell lights up.
#include "core/local_correlation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace calmon {
namespace {

constexpr FrameShape kShape{9, 7};

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t t = 0; t < a.size(); ++t) {
    ma += a[t] / n;
    mb += b[t] / n;
  }
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t t = 0; t < a.size(); ++t) {
    ab += (a[t] - ma) * (b[t] - mb);
    aa += (a[t] - ma) * (a[t] - ma);
    bb += (b[t] - mb) * (b[t] - mb);
  }
  return ab / std::sqrt(aa * bb);
}

TEST(LocalCorrelation, EachPixelIsTheMeanPearsonCorrelationWithItsNeighbours) {
  std::mt19937_64 rng(4);
  std::uniform_int_distribution<int> noise(0, 300);
  const int frames = 50;
  std::vector<std::vector<std::uint16_t>> movie(frames, std::vector<std::uint16_t>(kShape.pixel_count()));
  LocalCorrelation correlation(kShape);
  for (auto& frame : movie) {
    const int shared = noise(rng);  // a "cell" in the top-left corner shares this signal
    for (int y = 0; y < kShape.height; ++y)
      for (int x = 0; x < kShape.width; ++x)
        frame[static_cast<std::size_t>(y * kShape.width + x)] =
            static_cast<std::uint16_t>(noise(rng) + (x < 4 && y < 3 ? 3 * shared : 0));
    correlation.push(FrameView<std::uint16_t>(frame.data(), kShape));
  }
  const auto trace = [&](int x, int y) {
    std::vector<double> t;
    for (const auto& frame : movie) t.push_back(frame[static_cast<std::size_t>(y * kShape.width + x)]);
    return t;
  };
  const Image image = correlation.image();
  for (int y = 0; y < kShape.height; ++y) {
    for (int x = 0; x < kShape.width; ++x) {
      double sum = 0;
      int count = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          if ((dx == 0 && dy == 0) || x + dx < 0 || y + dy < 0 || x + dx >= kShape.width || y + dy >= kShape.height)
            continue;
          sum += pearson(trace(x, y), trace(x + dx, y + dy));
          ++count;
        }
      EXPECT_NEAR(image.at(x, y), sum / count, 1e-9) << x << "," << y;
    }
  }
  EXPECT_GT(image.at(1, 1), 0.6);             // inside the cell
  EXPECT_LT(std::fabs(image.at(7, 5)), 0.4);  // background
}

TEST(LocalCorrelation, ConstantPixelsAndTooFewFramesGiveZero) {
  std::vector<float> frame(kShape.pixel_count(), 5.0f);
  LocalCorrelation correlation(kShape);
  correlation.push(FrameView<float>(frame.data(), kShape));
  for (double v : correlation.image().pixels) EXPECT_EQ(v, 0.0);
  correlation.push(FrameView<float>(frame.data(), kShape));
  for (double v : correlation.image().pixels) EXPECT_EQ(v, 0.0);
  EXPECT_EQ(correlation.frames(), 2);
  correlation.reset();
  EXPECT_EQ(correlation.frames(), 0);
}

}  // namespace
}  // namespace calmon
