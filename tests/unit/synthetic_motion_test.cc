// synthetic_motion_test.cc — the moving synthetic movie (calmon-synth --motion).
//
// What is pinned: the motion series is a function of its seeds alone (and a longer
// movie starts with a shorter one's shifts), every part stays within its amplitude and
// actually uses it, no motion means zero shifts, the moved rendering is exact — a zero
// shift gives the unmoved frame bit for bit, a whole-pixel shift gives the unmoved
// scene's pixels one place over — and bad amplitudes are refused with their name.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "synth/rigid_motion.h"
#include "synth/synthetic_movie.h"

namespace calmon::synth {
namespace {

MovieParams moving(double drift_px, double walk_px, double jitter_px, std::int64_t frames = 3000) {
  MovieParams params;
  params.frames = frames;
  params.motion.on = true;
  params.motion.drift_px = drift_px;
  params.motion.walk_px = walk_px;
  params.motion.jitter_px = jitter_px;
  return params;
}

std::vector<PixelShift> shifts_of(const MovieParams& params) {
  const RigidMotion motion(params);
  std::vector<PixelShift> shifts;
  for (std::int64_t t = 0; t < params.frames; ++t) shifts.push_back(motion.at(t));
  return shifts;
}

bool same(const std::vector<PixelShift>& a, const std::vector<PixelShift>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](PixelShift p, PixelShift q) { return p.dy == q.dy && p.dx == q.dx; });
}

double largest_excursion(const std::vector<PixelShift>& shifts) {
  double largest = 0;
  for (const PixelShift& s : shifts) largest = std::max({largest, std::abs(s.dy), std::abs(s.dx)});
  return largest;
}

TEST(RigidMotion, IsOffByDefaultAndThenEveryShiftIsZero) {
  MovieParams params;
  params.frames = 20;
  EXPECT_FALSE(params.motion.on);
  const SyntheticMovie movie(params);
  EXPECT_FALSE(movie.motion().moves());
  for (std::int64_t t = 0; t < params.frames; ++t) {
    EXPECT_EQ(movie.true_shift(t).dy, 0.0);
    EXPECT_EQ(movie.true_shift(t).dx, 0.0);
  }
}

TEST(RigidMotion, TheSameSeedsGiveTheSameShiftsAndOtherSeedsOtherOnes) {
  const MovieParams params = moving(2, 1, 1, 500);
  EXPECT_TRUE(same(shifts_of(params), shifts_of(params)));
  MovieParams other_motion = params;
  other_motion.motion.seed = 1;
  EXPECT_FALSE(same(shifts_of(params), shifts_of(other_motion)));
  MovieParams other_movie = params;
  other_movie.seed = 2;
  EXPECT_FALSE(same(shifts_of(params), shifts_of(other_movie)));
}

TEST(RigidMotion, ALongerMovieStartsWithTheShorterOnesShifts) {
  const std::vector<PixelShift> short_run = shifts_of(moving(2, 1, 1, 300));
  std::vector<PixelShift> long_run = shifts_of(moving(2, 1, 1, 900));
  long_run.resize(short_run.size());
  EXPECT_TRUE(same(short_run, long_run));
}

TEST(RigidMotion, EachPartStaysWithinItsAmplitudeAndUsesIt) {
  struct Case {
    const char* name;
    double drift, walk, jitter;
  };
  for (const Case& c : {Case{"drift", 3, 0, 0}, Case{"walk", 0, 3, 0}, Case{"jitter", 0, 0, 3}, Case{"all", 3, 2, 1}}) {
    const std::vector<PixelShift> shifts = shifts_of(moving(c.drift, c.walk, c.jitter));
    const double bound = c.drift + c.walk + c.jitter;
    const double largest = largest_excursion(shifts);
    EXPECT_LE(largest, bound * (1 + 1e-12)) << c.name;
    EXPECT_GE(largest, 0.4 * bound) << c.name;  // 100 s of it reaches well into the range
  }
}

TEST(RigidMotion, DriftSettlesWalkWandersJitterShakesFromFrameToFrame) {
  const auto mean_step = [](const std::vector<PixelShift>& s) {
    double sum = 0;
    for (std::size_t t = 1; t < s.size(); ++t) sum += std::hypot(s[t].dy - s[t - 1].dy, s[t].dx - s[t - 1].dx);
    return sum / static_cast<double>(s.size() - 1);
  };
  const std::vector<PixelShift> drift = shifts_of(moving(3, 0, 0));
  EXPECT_NEAR(std::hypot(drift.back().dy, drift.back().dx), 3 * (1 - std::exp(-100.0 / 30.0)), 1e-3);
  EXPECT_LT(mean_step(shifts_of(moving(0, 3, 0))), 0.05);  // slow: hundredths of a pixel per frame
  EXPECT_GT(mean_step(shifts_of(moving(0, 0, 3))), 0.3);   // fast: a good part of its amplitude
}

TEST(RigidMotion, MotionLeavesTheCellsAndTheirTruthAlone) {
  MovieParams still;
  still.frames = 100;
  MovieParams moved = moving(2, 1, 1, 100);
  const SyntheticMovie a(still), b(moved);
  ASSERT_EQ(a.cells().size(), b.cells().size());
  EXPECT_EQ(a.label_image(), b.label_image());
  for (std::int64_t t : {0, 50, 99}) EXPECT_EQ(a.true_dff(3, t), b.true_dff(3, t));
}

TEST(MovedFrame, AZeroShiftRendersTheUnmovedFrameBitForBit) {
  MovieParams still;
  still.frames = 40;
  const MovieParams standing = moving(0, 0, 0, 40);  // on, but nowhere to go
  const SyntheticMovie a(still), b(standing);
  ASSERT_TRUE(b.motion().moves());
  std::vector<std::uint16_t> frame_a(a.shape().pixel_count()), frame_b(frame_a.size());
  for (std::int64_t t : {0, 17, 39}) {
    a.render<std::uint16_t>(t, frame_a);
    b.render<std::uint16_t>(t, frame_b);
    EXPECT_EQ(frame_a, frame_b) << "frame " << t;
  }
}

// Mean relative difference, over the pixels 4 or more from the edge, between `moved` at
// (x, y) and `scene` at (x + dx, y + dy) for a whole-pixel (dy, dx).
double mismatch(const std::vector<double>& moved, const std::vector<double>& scene, FrameShape shape, int dy, int dx) {
  double sum = 0;
  int count = 0;
  for (int y = 4; y < shape.height - 4; ++y) {
    for (int x = 4; x < shape.width - 4; ++x) {
      const double there = scene[static_cast<std::size_t>(y + dy) * shape.width + static_cast<std::size_t>(x + dx)];
      sum += std::abs(moved[static_cast<std::size_t>(y) * shape.width + x] - there) / there;
      ++count;
    }
  }
  return sum / count;
}

TEST(MovedFrame, ShowsTheSceneAtThePixelPlusItsShift) {
  // Frames whose shift lies within 0.01 px of whole pixels (dy, dx) can be compared with
  // the unmoved scene without interpolation: pixel (x, y) shows what the scene has at
  // (x + dx, y + dy). The 0.01 px left over moves the sharpest cell edge by a few
  // photons, so the mean difference stays under 0.5%; the opposite sign is far off.
  MovieParams still;
  still.frames = 20000;
  const MovieParams jittery = moving(0, 0, 3, still.frames);
  const SyntheticMovie scene(still), movie(jittery);
  const FrameShape shape = scene.shape();
  int compared = 0;
  std::vector<double> a(shape.pixel_count()), b(a.size());
  for (std::int64_t t = 0; t < still.frames && compared < 3; ++t) {
    const PixelShift shift = movie.true_shift(t);
    const double dy = std::round(shift.dy), dx = std::round(shift.dx);
    if (std::abs(shift.dy - dy) > 0.01 || std::abs(shift.dx - dx) > 0.01 || (dy == 0 && dx == 0)) continue;
    ++compared;
    scene.expected_photons(t, a);
    movie.expected_photons(t, b);
    const int iy = static_cast<int>(dy), ix = static_cast<int>(dx);
    EXPECT_LT(mismatch(b, a, shape, iy, ix), 5e-3) << "frame " << t << ": (" << shift.dy << ", " << shift.dx << ")";
    EXPECT_GT(mismatch(b, a, shape, -iy, -ix), 2e-2) << "frame " << t << ": (" << shift.dy << ", " << shift.dx << ")";
  }
  EXPECT_EQ(compared, 3);
}

TEST(MovedFrame, NoiseFreeFramesAreTheDetectorsMeanReading) {
  MovieParams params = moving(1, 1, 1, 5);
  params.noise_free = true;
  const SyntheticMovie movie(params);
  std::vector<double> photons(movie.shape().pixel_count()), counts(photons.size());
  movie.expected_photons(4, photons);
  movie.noisy_counts(4, counts);
  for (std::size_t p = 0; p < photons.size(); ++p) ASSERT_EQ(counts[p], movie.detector().expected_counts(photons[p]));
}

TEST(MotionParams, BadAmplitudesAreRefusedByName) {
  const auto message = [](MovieParams params) -> std::string {
    try {
      params.validate();
    } catch (const Error& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_EQ(message(moving(-1, 1, 1)), "synthetic movie: motion drift must be a finite number of pixels >= 0, got -1");
  EXPECT_EQ(message(moving(1, std::nan(""), 1)),
            "synthetic movie: motion walk must be a finite number of pixels >= 0, got nan");
  EXPECT_EQ(message(moving(10, 4, 2)),
            "synthetic movie: motion of up to 16 px (drift 10 + walk 4 + jitter 2) is more than a quarter of the "
            "frame's smaller side (15 px)");
  EXPECT_EQ(message(moving(10, 3, 2)), "");
  MovieParams off = moving(-1, 0, 0);
  off.motion.on = false;  // amplitudes of motion that is off are not looked at
  EXPECT_EQ(message(off), "");
}

}  // namespace
}  // namespace calmon::synth
