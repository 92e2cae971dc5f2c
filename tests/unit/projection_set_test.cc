// ProjectionSet: running projections, frame ranges, sliding windows, crops and kept frames,
// against naive references on random movies of every pixel type, and against numpy.
#include "core/projection_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace calmon {
namespace {

using Frames = ProjectionSpec::Frames;
constexpr ProjectionStat kAllStats[] = {ProjectionStat::kMean, ProjectionStat::kMax, ProjectionStat::kMin,
                                        ProjectionStat::kStd};

// Random pixels over the type's whole range (floats: [-1e4, 4000]), or over [0, 200]
// (floats: [100, 4000]).
template <class T> std::vector<T> random_movie(std::size_t n, unsigned seed, bool full_range) {
  if (full_range) return test::random_pixels_full_range<T>(n, seed, -1e4, 4000.0);
  return std::is_integral_v<T> ? test::random_pixels<T>(n, seed, 0, 200)
                               : test::random_pixels<T>(n, seed, 100.0, 4000.0);
}

// A movie held in memory: data[t, y, x].
template <class T> struct Movie {
  FrameShape shape;
  std::vector<T> pixels;
  std::int64_t frames() const { return static_cast<std::int64_t>(pixels.size() / shape.pixel_count()); }
  const T* frame(std::int64_t t) const { return pixels.data() + t * shape.pixel_count(); }
  T at(std::int64_t t, int x, int y) const { return frame(t)[y * shape.width + x]; }
};

// numpy's data[frames, crop].<stat>(axis=0), naively: max/min and numpy's own mean
// (float64 sum for integers, a sum in the pixel type for floats, in frame order);
// std two-pass in long double (the exact value to ~1e-19).
template <class T>
std::vector<double> reference(const Movie<T>& movie, const std::vector<std::int64_t>& frames, Rect crop,
                              ProjectionStat stat) {
  std::vector<double> out;
  for (int y = crop.ymin; y < crop.ymax; ++y) {
    for (int x = crop.xmin; x < crop.xmax; ++x) {
      T best = movie.at(frames[0], x, y);
      using NumpySum = std::conditional_t<std::is_integral_v<T>, double, T>;
      NumpySum sum = 0;
      long double exact_sum = 0;
      for (std::int64_t t : frames) {
        const T v = movie.at(t, x, y);
        if (stat == ProjectionStat::kMax) best = std::max(best, v);
        if (stat == ProjectionStat::kMin) best = std::min(best, v);
        sum += static_cast<NumpySum>(v);
        exact_sum += v;
      }
      const double n = static_cast<double>(frames.size());
      if (stat == ProjectionStat::kMax || stat == ProjectionStat::kMin) {
        out.push_back(static_cast<double>(best));
      } else if (stat == ProjectionStat::kMean) {
        out.push_back(static_cast<double>(static_cast<NumpySum>(static_cast<double>(sum) / n)));
      } else {
        const long double mean = exact_sum / frames.size();
        long double sq = 0;
        for (std::int64_t t : frames) sq += (movie.at(t, x, y) - mean) * (movie.at(t, x, y) - mean);
        out.push_back(static_cast<double>(std::sqrt(sq / frames.size())));
      }
    }
  }
  return out;
}

std::vector<std::int64_t> selected_frames(const ProjectionSpec& spec, std::int64_t seen) {
  std::vector<std::int64_t> frames;
  for (std::int64_t t = 0; t < seen; ++t) {
    if (spec.frames == Frames::kRange && (t < spec.begin || (spec.end && t >= *spec.end))) continue;
    if (spec.frames == Frames::kLast && t < seen - spec.last) continue;
    frames.push_back(t);
  }
  return frames;
}

std::vector<ProjectionSpec> varied_specs() {
  std::vector<ProjectionSpec> specs;
  specs.push_back({.name = "all"});
  specs.push_back({.name = "range",
                   .stats = {ProjectionStat::kMax, ProjectionStat::kMean},
                   .frames = Frames::kRange,
                   .begin = 10,
                   .end = 40});
  specs.push_back(
      {.name = "open", .stats = {ProjectionStat::kStd, ProjectionStat::kMin}, .frames = Frames::kRange, .begin = 25});
  specs.push_back({.name = "last7", .frames = Frames::kLast, .last = 7, .crop = Rect{3, 20, 2, 15}});
  specs.push_back(
      {.name = "column", .stats = {ProjectionStat::kStd, ProjectionStat::kMean}, .crop = Rect{5, 6, 0, 17}});
  specs.push_back({.name = "last100", .frames = Frames::kLast, .last = 100});
  specs.push_back({.name = "std_only", .stats = {ProjectionStat::kStd}});
  specs.push_back({.name = "one_frame", .frames = Frames::kLast, .last = 1, .crop = Rect{0, 23, 16, 17}});
  return specs;
}

template <class T> class ProjectionSetTyped : public ::testing::Test {};
using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t, float, double>;
TYPED_TEST_SUITE(ProjectionSetTyped, PixelTypes);

TYPED_TEST(ProjectionSetTyped, EveryProjectionMatchesTheNaiveReferenceAsFramesArrive) {
  using T = TypeParam;
  for (bool full_range : {false, true}) {
    const FrameShape shape{23, 17};
    const Movie<T> movie{shape, random_movie<T>(60 * shape.pixel_count(), full_range ? 2 : 1, full_range)};
    ProjectionSet set(shape, pixel_type_of<T>, varied_specs(), {});
    for (std::int64_t t = 0; t < movie.frames(); ++t) {
      set.push(FrameView<T>(movie.frame(t), shape));
      if (t % 6 != 5 && t + 1 != movie.frames()) continue;
      for (std::size_t i = 0; i < set.size(); ++i) {
        const ProjectionSpec& spec = set.spec(i);
        const std::vector<std::int64_t> frames = selected_frames(spec, t + 1);
        ASSERT_EQ(set.frame_count(i), static_cast<std::int64_t>(frames.size())) << spec.name << " t=" << t;
        if (frames.empty()) continue;
        const Rect crop = spec.crop.value_or(Rect::whole(shape));
        for (ProjectionStat stat : spec.stats) {
          const Image image = set.image(i, stat);
          ASSERT_EQ(image.shape, (FrameShape{crop.width(), crop.height()}));
          const std::vector<double> expected = reference(movie, frames, crop, stat);
          for (std::size_t k = 0; k < expected.size(); ++k) {
            const std::string where = spec.name + " " + std::string(projection_stat_name(stat)) +
                                      " t=" + std::to_string(t) + " pixel " + std::to_string(k);
            if (stat != ProjectionStat::kStd) {
              ASSERT_EQ(image.pixels[k], expected[k]) << where;
            } else {
              // The last N frames run numpy's float32 two-pass in float32.
              const bool float32_numpy = std::is_same_v<T, float> && spec.frames == Frames::kLast;
              const double tolerance = float32_numpy ? 1e-5 : 1e-12;
              ASSERT_NEAR(image.pixels[k], expected[k], tolerance * (expected[k] + 1e-6)) << where;
            }
          }
        }
      }
    }
  }
}

TYPED_TEST(ProjectionSetTyped, KeptFramesAreBitExact) {
  using T = TypeParam;
  const FrameShape shape{9, 4};
  const Movie<T> movie{shape, random_movie<T>(12 * shape.pixel_count(), 3, true)};
  ProjectionSet set(shape, pixel_type_of<T>, {}, {5, 0, 5, 11, 100});
  for (std::int64_t t = 0; t < movie.frames(); ++t) {
    set.push(AnyFrameView(FrameView<T>(movie.frame(t), shape)));
  }
  for (std::int64_t t : {0, 5, 11}) {
    const std::optional<Image> kept = set.kept_frame(t);
    ASSERT_TRUE(kept.has_value()) << t;
    for (int y = 0; y < shape.height; ++y) {
      for (int x = 0; x < shape.width; ++x) ASSERT_EQ(kept->at(x, y), static_cast<double>(movie.at(t, x, y)));
    }
  }
  EXPECT_FALSE(set.kept_frame(1).has_value());    // not asked for
  EXPECT_FALSE(set.kept_frame(100).has_value());  // asked for, not arrived
}

TYPED_TEST(ProjectionSetTyped, ConstantPixelsHaveZeroStdExactly) {
  using T = TypeParam;
  const FrameShape shape{5, 3};
  const std::vector<T> frame(shape.pixel_count(), static_cast<T>(123));
  std::vector<ProjectionSpec> specs = {{.name = "all"}, {.name = "last", .frames = Frames::kLast, .last = 4}};
  ProjectionSet set(shape, pixel_type_of<T>, specs, {});
  for (int t = 0; t < 9; ++t) set.push(FrameView<T>(frame.data(), shape));
  for (std::size_t i = 0; i < 2; ++i) {
    for (double v : set.image(i, ProjectionStat::kStd).pixels) EXPECT_EQ(v, 0.0);
    for (double v : set.image(i, ProjectionStat::kMean).pixels) EXPECT_EQ(v, 123.0);
  }
}

TEST(ProjectionSet, Uint32StdIsExactWhereSquaresOverflow64Bits) {
  const FrameShape shape{2, 1};
  ProjectionSet set(shape, PixelType::kU32, {{.name = "p", .stats = {ProjectionStat::kStd, ProjectionStat::kMean}}},
                    {});
  const std::uint32_t top = std::numeric_limits<std::uint32_t>::max();
  for (int t = 0; t < 1000; ++t) {
    const std::uint32_t frame[2] = {t % 2 ? top : top - 2, top};
    set.push(FrameView<std::uint32_t>(frame, shape));
  }
  EXPECT_EQ(set.image(0, ProjectionStat::kStd).pixels, (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(set.image(0, ProjectionStat::kMean).pixels, (std::vector<double>{top - 1.0, top}));
}

// ---- integer kernels: instruction sets and the folding of 32-bit partial sums ----

using Isa = ProjectionKernels::Isa;

struct KernelCase {
  std::string label;
  ProjectionKernels kernels;
};

// Baseline and (where the CPU has it) AVX2, each folding only when needed and folding
// every frame or every few frames — the last two make a few frames cross many folds.
std::vector<KernelCase> kernel_cases() {
  std::vector<KernelCase> cases = {{"baseline", {.isa = Isa::kBaseline}},
                                   {"baseline, fold every frame", {.isa = Isa::kBaseline, .max_block_frames = 1}},
                                   {"baseline, fold every 3 frames", {.isa = Isa::kBaseline, .max_block_frames = 3}}};
  if (projection_kernels_have_avx2()) {
    cases.push_back({"avx2", {.isa = Isa::kAvx2}});
    cases.push_back({"avx2, fold every frame", {.isa = Isa::kAvx2, .max_block_frames = 1}});
    cases.push_back({"avx2, fold every 4 frames", {.isa = Isa::kAvx2, .max_block_frames = 4}});
  }
  return cases;
}

// Whole frames, crops (odd offsets and widths, so rows start unaligned and end in a
// partial vector), ranges [begin, end) and open ranges, and every subset of stats the
// kernels distinguish: max/min alone, the mean without the std, the std without the mean.
std::vector<ProjectionSpec> integer_kernel_specs() {
  return {
      {.name = "all"},
      {.name = "crop_range", .frames = Frames::kRange, .begin = 5, .end = 30, .crop = Rect{3, 64, 1, 4}},
      {.name = "open_range", .stats = {ProjectionStat::kStd}, .frames = Frames::kRange, .begin = 2},
      {.name = "mean_only", .stats = {ProjectionStat::kMean}, .crop = Rect{1, 40, 0, 5}},
      {.name = "max_min", .stats = {ProjectionStat::kMax, ProjectionStat::kMin}, .crop = Rect{0, 67, 2, 3}},
      {.name = "max_mean",
       .stats = {ProjectionStat::kMean, ProjectionStat::kMax},
       .frames = Frames::kRange,
       .begin = 0,
       .end = 7},
      {.name = "min_std", .stats = {ProjectionStat::kMin, ProjectionStat::kStd}, .crop = Rect{66, 67, 0, 5}},
  };
}

// A movie whose rows take, frame by frame, values from one of four ranges: the bottom of
// the type, a 16-bit middle (x² folds every few frames), the top of the type (uint16's and
// uint32's x² need the fold-while-adding pass) or the whole type. So a row switches between
// kernels as it goes.
template <class T> Movie<T> mixed_range_movie(FrameShape shape, int frames, unsigned seed) {
  using Limits = std::numeric_limits<T>;
  const double lowest = static_cast<double>(Limits::lowest());
  const double highest = static_cast<double>(Limits::max());
  const double span = highest - lowest;
  const std::pair<double, double> ranges[] = {
      {lowest, lowest + std::min(200.0, span)},
      {lowest + std::min(20000.0, span / 2), lowest + std::min(30000.0, span)},
      {highest - std::min(300.0, span), highest},
      {lowest, highest},
  };
  Movie<T> movie{shape, {}};
  std::mt19937 pick(seed);
  for (int t = 0; t < frames; ++t) {
    for (int y = 0; y < shape.height; ++y) {
      const auto [lo, hi] = ranges[pick() % 4];
      const std::vector<T> row = test::random_pixels<T>(static_cast<std::size_t>(shape.width), pick(), lo, hi);
      movie.pixels.insert(movie.pixels.end(), row.begin(), row.end());
    }
  }
  return movie;
}

template <class T> class IntegerKernelsTyped : public ::testing::Test {};
using IntegerPixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t>;
TYPED_TEST_SUITE(IntegerKernelsTyped, IntegerPixelTypes);

// Every kernel and fold interval: max, min and mean equal the reference (numpy's) bit for
// bit, the std is within 1e-12 of the exact value, and all of them — std included, as it
// comes from the same exact integer sums — are identical to one another.
TYPED_TEST(IntegerKernelsTyped, EveryKernelAndFoldIntervalGivesTheSameBits) {
  using T = TypeParam;
  const FrameShape shape{67, 5};
  const Movie<T> movie = mixed_range_movie<T>(shape, 40, 11);
  std::vector<std::vector<Image>> first;  // [spec][stat] of the first kernel case
  for (const KernelCase& kernel : kernel_cases()) {
    ProjectionSet set(shape, pixel_type_of<T>, integer_kernel_specs(), {}, kernel.kernels);
    for (std::int64_t t = 0; t < movie.frames(); ++t) set.push(FrameView<T>(movie.frame(t), shape));
    std::vector<std::vector<Image>> images(set.size());
    for (std::size_t i = 0; i < set.size(); ++i) {
      const ProjectionSpec& spec = set.spec(i);
      const std::vector<std::int64_t> frames = selected_frames(spec, movie.frames());
      const Rect crop = spec.crop.value_or(Rect::whole(shape));
      for (ProjectionStat stat : spec.stats) {
        const Image image = set.image(i, stat);
        const std::vector<double> expected = reference(movie, frames, crop, stat);
        ASSERT_EQ(image.pixels.size(), expected.size());
        for (std::size_t k = 0; k < expected.size(); ++k) {
          const std::string where = kernel.label + ": " + spec.name + " " + std::string(projection_stat_name(stat)) +
                                    " pixel " + std::to_string(k);
          if (stat == ProjectionStat::kStd) {
            ASSERT_NEAR(image.pixels[k], expected[k], 1e-12 * (expected[k] + 1e-6)) << where;
          } else {
            ASSERT_EQ(image.pixels[k], expected[k]) << where;
          }
          if (!first.empty()) {
            const auto s =
                static_cast<std::size_t>(std::find(spec.stats.begin(), spec.stats.end(), stat) - spec.stats.begin());
            ASSERT_EQ(image.pixels[k], first[i][s].pixels[k]) << where << " vs " << kernel_cases()[0].label;
          }
        }
        images[i].push_back(image);
      }
    }
    if (first.empty()) first = std::move(images);
  }
}

// The lo lanes fold by themselves, without a forced interval, once the frames could
// overflow them: 2^32 / 255² ≈ 66,052 frames of 8-bit pixels for Σx², 65,537 of 16-bit
// pixels for Σu, every other frame for int16's Σx²; uint16's and uint32's Σx² at these
// values fold while adding, every frame. Alternating a and a − 2: mean a − 1 and std 1,
// exactly.
TYPED_TEST(IntegerKernelsTyped, SumsStayExactPastTheCapacityOfTheirLowLanes) {
  using T = TypeParam;
  const FrameShape shape{3, 2};
  const T top = std::numeric_limits<T>::max();
  const std::vector<T> a(shape.pixel_count(), top);
  const std::vector<T> b(shape.pixel_count(), static_cast<T>(top - 2));
  const int frames = sizeof(T) == 4 ? 2000 : 2 * 68000;
  for (const KernelCase& kernel : kernel_cases()) {
    if (kernel.kernels.max_block_frames != 0) continue;  // only the folds the bounds call for
    ProjectionSet set(shape, pixel_type_of<T>, {{.name = "all"}, {.name = "mean", .stats = {ProjectionStat::kMean}}},
                      {}, kernel.kernels);
    for (int t = 0; t < frames; ++t) set.push(FrameView<T>((t % 2 ? b : a).data(), shape));
    for (std::size_t i = 0; i < 2; ++i) {
      for (double v : set.image(i, ProjectionStat::kMean).pixels) ASSERT_EQ(v, top - 1.0) << kernel.label;
    }
    for (double v : set.image(0, ProjectionStat::kStd).pixels) ASSERT_EQ(v, 1.0) << kernel.label;
    for (double v : set.image(0, ProjectionStat::kMax).pixels) ASSERT_EQ(v, static_cast<double>(top));
    for (double v : set.image(0, ProjectionStat::kMin).pixels) ASSERT_EQ(v, top - 2.0);
  }
}

// A forced fold interval longer than the movie, equal to it, and shorter: all the same.
TEST(ProjectionSet, ForcedFoldIntervalsAroundTheMovieLengthAgree) {
  const FrameShape shape{40, 3};
  const Movie<std::uint16_t> movie = mixed_range_movie<std::uint16_t>(shape, 12, 5);
  std::vector<double> first_mean, first_std;
  for (std::int64_t every : {0, 1, 2, 5, 11, 12, 13, 1000}) {
    ProjectionSet set(shape, PixelType::kU16, {{.name = "all"}}, {}, {.max_block_frames = every});
    for (std::int64_t t = 0; t < movie.frames(); ++t) set.push(FrameView<std::uint16_t>(movie.frame(t), shape));
    const std::vector<double> mean = set.image(0, ProjectionStat::kMean).pixels;
    const std::vector<double> std = set.image(0, ProjectionStat::kStd).pixels;
    if (first_mean.empty()) {
      first_mean = mean;
      first_std = std;
      continue;
    }
    EXPECT_EQ(mean, first_mean) << "every " << every;
    EXPECT_EQ(std, first_std) << "every " << every;
  }
}

TEST(ProjectionSet, ResetStartsTheFoldBoundsAfresh) {
  const FrameShape shape{2, 1};
  ProjectionSet set(shape, PixelType::kU16, {{.name = "all"}}, {}, {.max_block_frames = 2});
  const std::uint16_t high[2] = {65535, 40000};
  const std::uint16_t low[2] = {1, 3};
  for (int t = 0; t < 5; ++t) set.push(FrameView<std::uint16_t>(high, shape));
  set.reset();
  for (int t = 0; t < 5; ++t) set.push(FrameView<std::uint16_t>(t % 2 ? low : high, shape));
  EXPECT_EQ(set.image(0, ProjectionStat::kMean).pixels, (std::vector<double>{(3 * 65535 + 2 * 1) / 5.0, 24001.2}));
  EXPECT_EQ(set.image(0, ProjectionStat::kMax).pixels, (std::vector<double>{65535, 40000}));
  EXPECT_EQ(set.image(0, ProjectionStat::kMin).pixels, (std::vector<double>{1, 3}));
}

TEST(ProjectionSet, Avx2KernelsAreRefusedOnlyWhereTheCpuLacksThem) {
  __builtin_cpu_init();
  EXPECT_EQ(projection_kernels_have_avx2(), __builtin_cpu_supports("avx2") != 0);
  auto make = [] {
    return ProjectionSet(FrameShape{4, 4}, PixelType::kU16, {{.name = "all"}}, {}, {.isa = Isa::kAvx2});
  };
  if (projection_kernels_have_avx2()) {
    EXPECT_NO_THROW(make());
  } else {
    EXPECT_THROW(make(), Error);
  }
  // Float pixels have one kernel (numpy's order); the choice does not apply to them.
  EXPECT_NO_THROW(ProjectionSet(FrameShape{4, 4}, PixelType::kF32, {{.name = "all"}}, {}, {.isa = Isa::kBaseline}));
}

TEST(ProjectionSet, NanPropagatesIntoMaxMinMeanAndStd) {
  const FrameShape shape{1, 1};
  ProjectionSet set(shape, PixelType::kF32, {{.name = "p"}}, {});
  for (float v : {1.0f, std::numeric_limits<float>::quiet_NaN(), 5.0f}) set.push(FrameView<float>(&v, shape));
  for (ProjectionStat stat : kAllStats) EXPECT_TRUE(std::isnan(set.image(0, stat).pixels[0]));
}

TEST(ProjectionSet, EmptyStatsMeanAllFourAndRepeatsAreDropped) {
  ProjectionSet set(
      FrameShape{4, 4}, PixelType::kU16,
      {{.name = "a"}, {.name = "b", .stats = {ProjectionStat::kMax, ProjectionStat::kMean, ProjectionStat::kMax}}}, {});
  EXPECT_EQ(set.spec(0).stats, (std::vector<ProjectionStat>{ProjectionStat::kMean, ProjectionStat::kMax,
                                                            ProjectionStat::kMin, ProjectionStat::kStd}));
  EXPECT_EQ(set.spec(1).stats, (std::vector<ProjectionStat>{ProjectionStat::kMax, ProjectionStat::kMean}));
}

TEST(ProjectionSet, StatNamesAreNumpys) {
  EXPECT_EQ(projection_stat_name(ProjectionStat::kMean), "mean");
  EXPECT_EQ(projection_stat_name(ProjectionStat::kMax), "max");
  EXPECT_EQ(projection_stat_name(ProjectionStat::kMin), "min");
  EXPECT_EQ(projection_stat_name(ProjectionStat::kStd), "std");
}

TEST(ProjectionSet, RangeIgnoresFramesOutsideIt) {
  const FrameShape shape{1, 1};
  ProjectionSet set(shape, PixelType::kU8,
                    {{.name = "r", .stats = {ProjectionStat::kMax}, .frames = Frames::kRange, .begin = 2, .end = 4}},
                    {});
  const std::uint8_t values[] = {200, 201, 5, 9, 250, 255};
  for (int t = 0; t < 2; ++t) set.push(FrameView<std::uint8_t>(&values[t], shape));
  EXPECT_EQ(set.frame_count(0), 0);
  for (int t = 2; t < 6; ++t) set.push(FrameView<std::uint8_t>(&values[t], shape));
  EXPECT_EQ(set.frame_count(0), 2);
  EXPECT_EQ(set.frames_seen(), 6);
  EXPECT_EQ(set.image(0, ProjectionStat::kMax).pixels[0], 9.0);
}

TEST(ProjectionSet, ResetForgetsEveryFrame) {
  const FrameShape shape{1, 1};
  ProjectionSet set(shape, PixelType::kU8, {{.name = "all"}, {.name = "last", .frames = Frames::kLast, .last = 2}},
                    {0});
  const std::uint8_t first = 7;
  set.push(FrameView<std::uint8_t>(&first, shape));
  set.reset();
  EXPECT_EQ(set.frames_seen(), 0);
  EXPECT_EQ(set.frame_count(0), 0);
  EXPECT_EQ(set.frame_count(1), 0);
  EXPECT_FALSE(set.kept_frame(0).has_value());
  const std::uint8_t second = 3;
  set.push(FrameView<std::uint8_t>(&second, shape));
  EXPECT_EQ(set.image(0, ProjectionStat::kMax).pixels[0], 3.0);
  EXPECT_EQ(set.image(1, ProjectionStat::kMin).pixels[0], 3.0);
  EXPECT_EQ(set.kept_frame(0)->pixels[0], 3.0);
}

// ---- errors ----

std::string construction_error(std::vector<ProjectionSpec> specs, std::vector<std::int64_t> keep = {},
                               FrameShape shape = FrameShape{80, 60}) {
  try {
    ProjectionSet set(shape, PixelType::kU16, std::move(specs), std::move(keep));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ProjectionSet, CropOutsideTheFrameIsRejected) {
  EXPECT_EQ(construction_error({{.name = "cell1_mean", .crop = Rect{15, 95, 20, 35}}}),
            "projection 'cell1_mean': crop x 15:95, y 20:35 is outside the 80x60 frame");
}

TEST(ProjectionSet, EmptyCropIsRejected) {
  EXPECT_EQ(construction_error({{.name = "c", .crop = Rect{15, 15, 20, 35}}}),
            "projection 'c': crop x 15:15, y 20:35 is empty (xmax must be > xmin and ymax > ymin)");
}

TEST(ProjectionSet, NegativeRangeBeginIsRejected) {
  EXPECT_EQ(construction_error({{.name = "r", .frames = Frames::kRange, .begin = -3}}),
            "projection 'r': frame range begins at -3; frame indices start at 0");
}

TEST(ProjectionSet, RangeEndingAtOrBeforeItsBeginIsRejected) {
  EXPECT_EQ(construction_error({{.name = "r", .frames = Frames::kRange, .begin = 500, .end = 100}}),
            "projection 'r': frame range 500:100 is empty (end must be > begin)");
  EXPECT_EQ(construction_error({{.name = "r", .frames = Frames::kRange, .begin = 5, .end = 5}}),
            "projection 'r': frame range 5:5 is empty (end must be > begin)");
}

TEST(ProjectionSet, LastZeroFramesIsRejected) {
  EXPECT_EQ(construction_error({{.name = "l", .frames = Frames::kLast, .last = 0}}),
            "projection 'l': the last N frames needs N >= 1, got 0");
}

TEST(ProjectionSet, UnknownStatIsRejected) {
  EXPECT_EQ(construction_error({{.name = "u", .stats = {static_cast<ProjectionStat>(9)}}}),
            "projection 'u': unknown stat code 9");
}

TEST(ProjectionSet, UnknownFrameSelectionIsRejected) {
  EXPECT_EQ(construction_error({{.name = "u", .frames = static_cast<Frames>(7)}}),
            "projection 'u': unknown frame selection code 7");
}

TEST(ProjectionSet, RepeatedNameIsRejected) {
  EXPECT_EQ(construction_error({{.name = "mean"}, {.name = "mean", .frames = Frames::kLast, .last = 3}}),
            "projection 'mean': the name is used by another projection");
}

TEST(ProjectionSet, UnnamedProjectionIsNamedByPosition) {
  EXPECT_EQ(construction_error({{.name = "a"}, {.frames = Frames::kLast}}),
            "projection #1: the last N frames needs N >= 1, got 0");
}

TEST(ProjectionSet, NegativeKeptFrameIsRejected) {
  EXPECT_EQ(construction_error({}, {3, -1}),
            "keep_frames: frame index -1 is negative (the latest frame is always available)");
}

TEST(ProjectionSet, FrameShapeWithoutPixelsIsRejected) {
  EXPECT_EQ(construction_error({}, {}, FrameShape{0, 60}), "projections: frame shape 0x60 has no pixels");
}

TEST(ProjectionSet, UnsupportedPixelTypeIsRejected) {
  EXPECT_THROW(ProjectionSet(FrameShape{2, 2}, static_cast<PixelType>(42), {}, {}), Error);
}

TEST(ProjectionSet, FrameOfAnotherShapeOrTypeIsRejected) {
  ProjectionSet set(FrameShape{80, 60}, PixelType::kU16, {{.name = "all"}}, {});
  const std::vector<std::uint16_t> good(80 * 60);
  set.push(FrameView<std::uint16_t>(good.data(), FrameShape{80, 60}));
  const std::vector<std::uint8_t> small(64 * 64);
  try {
    set.push(FrameView<std::uint8_t>(small.data(), FrameShape{64, 64}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "projections: frame 1 is 64x64 uint8, expected 80x60 uint16");
  }
  const std::vector<std::int16_t> wrong_type(80 * 60);
  EXPECT_THROW(set.push(FrameView<std::int16_t>(wrong_type.data(), FrameShape{80, 60})), Error);
  EXPECT_EQ(set.frames_seen(), 1);  // rejected frames are not counted
}

TEST(ProjectionSet, ImageBeforeAnyFrameOfItsRangeIsAnError) {
  ProjectionSet set(FrameShape{1, 1}, PixelType::kU16, {{.name = "late", .frames = Frames::kRange, .begin = 100}}, {});
  const std::uint16_t v = 1;
  set.push(FrameView<std::uint16_t>(&v, FrameShape{1, 1}));
  try {
    set.image(0, ProjectionStat::kMean);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "projection 'late': no frames yet (1 frames seen)");
  }
}

TEST(ProjectionSet, ImageOfAStatNotComputedIsAnError) {
  ProjectionSet set(FrameShape{1, 1}, PixelType::kU16, {{.name = "m", .stats = {ProjectionStat::kMax}}}, {});
  const std::uint16_t v = 1;
  set.push(FrameView<std::uint16_t>(&v, FrameShape{1, 1}));
  try {
    set.image(0, ProjectionStat::kStd);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "projection 'm' does not compute std");
  }
}

TEST(ProjectionSet, ProjectionIndexOutOfRangeIsAnError) {
  ProjectionSet set(FrameShape{1, 1}, PixelType::kU16, {{.name = "m"}}, {});
  try {
    set.frame_count(3);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "projections: no projection #3 (there are 1)");
  }
  EXPECT_THROW(set.spec(1), Error);
  EXPECT_THROW(set.image(1, ProjectionStat::kMean), Error);
}

// ---- numpy itself ----

// The notebook's projections computed by numpy on the same movie: max/min/mean bit for bit,
// the last N frames bit for bit in every stat, std within 1e-9 (float32: numpy's float32
// precision).
TEST(ProjectionSet, EqualsNumpyForEveryPixelType) {
  if (!test::python_has("numpy")) GTEST_SKIP() << "no numpy";
  const std::filesystem::path dir = test::temp_dir("projection_set_test");
  const FrameShape shape{80, 60};
  const int frames = 120;
  std::vector<ProjectionSpec> specs;
  specs.push_back({.name = "all"});                                                             // data.<stat>(0)
  specs.push_back({.name = "range", .frames = Frames::kRange, .begin = 100 - 90, .end = 100});  // data[10:100]
  specs.push_back({.name = "cell1", .crop = Rect{15, 35, 20, 35}});                             // data[:, 20:35, 15:35]
  specs.push_back({.name = "cell3_first",
                   .frames = Frames::kRange,
                   .begin = 0,
                   .end = 100,
                   .crop = Rect{0, 10, 23, 40}});  // data[0:100, 23:40, 0:10]
  specs.push_back({.name = "last", .frames = Frames::kLast, .last = 37, .crop = Rect{55, 75, 23, 40}});
  const std::string script =
      "import numpy as np, sys\n"
      "d, dtype = sys.argv[1], sys.argv[2]\n"
      "data = np.fromfile(d + '/movie.raw', dtype).reshape(120, 60, 80)\n"
      "parts = [data, data[10:100], data[:, 20:35, 15:35], data[0:100, 23:40, 0:10], data[-37:, 23:40, 55:75]]\n"
      "out = [getattr(p, s)(axis=0).astype(np.float64).ravel() for p in parts for s in ('mean', 'max', 'min', 'std')]\n"
      "np.concatenate(out).tofile(d + '/proj.f64')\n";
  auto check = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const bool float32 = std::is_same_v<T, float>;
    const std::vector<T> movie = random_movie<T>(frames * shape.pixel_count(), 9, !std::is_same_v<T, std::uint16_t>);
    test::write_raw(dir / "movie.raw", movie);
    ASSERT_EQ(
        test::run_python(dir / "proj.py", script, dir.string() + " " + std::string(pixel_type_name(pixel_type_of<T>))),
        0);
    ProjectionSet set(shape, pixel_type_of<T>, specs, {});
    for (int t = 0; t < frames; ++t) set.push(FrameView<T>(movie.data() + t * shape.pixel_count(), shape));
    std::size_t values = 0;
    for (std::size_t i = 0; i < set.size(); ++i) {
      for (ProjectionStat stat : kAllStats) values += set.image(i, stat).pixels.size();
    }
    const std::vector<double> expected = test::read_raw<double>(dir / "proj.f64", values);
    std::size_t at = 0;
    double worst_std = 0.0;
    for (std::size_t i = 0; i < set.size(); ++i) {
      for (ProjectionStat stat : kAllStats) {
        const std::vector<double> got = set.image(i, stat).pixels;
        const bool exact = stat != ProjectionStat::kStd || set.spec(i).frames == Frames::kLast;
        for (std::size_t k = 0; k < got.size(); ++k, ++at) {
          const std::string where = std::string(pixel_type_name(pixel_type_of<T>)) + " " + set.spec(i).name + " " +
                                    std::string(projection_stat_name(stat)) + " pixel " + std::to_string(k);
          if (exact) {
            ASSERT_EQ(got[k], expected[at]) << where;
          } else {
            const double relative = std::abs(got[k] - expected[at]) / expected[at];
            worst_std = std::max(worst_std, relative);
            ASSERT_LE(relative, float32 ? 1e-5 : 1e-9) << where;
          }
        }
      }
    }
    std::cout << pixel_type_name(pixel_type_of<T>) << ": worst running std vs numpy " << worst_std << "\n";
  };
  for (PixelType type :
       {PixelType::kU8, PixelType::kU16, PixelType::kI16, PixelType::kU32, PixelType::kF32, PixelType::kF64}) {
    dispatch_pixel_type(type, check);
  }
}

}  // namespace
}  // namespace calmon
