// nonrigid_warp_test.cc — the synthetic movie's smooth non-rigid warp (calmon-synth
// --motion-warp).
//
// What is pinned: the warp is off unless asked for (and then the movie is the rigid
// one, bit for bit), it is a function of its seeds alone, it stays within ±PX and uses
// most of it, it is smooth (a slope far below 1), the true field is the rigid shift
// plus the warp, the point a frame pixel shows solves p − W(p) = q, a warped frame
// differs from the rigid one only by that bend, and bad amplitudes are refused by name.
#include "synth/nonrigid_warp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "synth/synthetic_movie.h"

namespace calmon::synth {
namespace {

MovieParams warped(double warp_px, std::int64_t frames = 300) {
  MovieParams params;
  params.frames = frames;
  params.width = 96;
  params.height = 72;
  params.motion.on = true;
  params.motion.warp_px = warp_px;
  return params;
}

// The warp alone (the field less the rigid shift) of frame t at every pixel.
std::vector<PixelShift> warp_of(const SyntheticMovie& movie, std::int64_t t) {
  const FrameShape shape = movie.shape();
  std::vector<double> dy(shape.pixel_count()), dx(shape.pixel_count());
  movie.true_displacement(t, dy, dx);
  const PixelShift rigid = movie.true_shift(t);
  std::vector<PixelShift> out;
  for (std::size_t p = 0; p < dy.size(); ++p) out.push_back({dy[p] - rigid.dy, dx[p] - rigid.dx});
  return out;
}

TEST(NonrigidWarp, IsOffUnlessAskedForAndThenTheMovieIsTheRigidOne) {
  MovieParams rigid = warped(0.0, 5);
  const SyntheticMovie movie(rigid);
  EXPECT_FALSE(movie.warp().warps());
  for (std::int64_t t = 0; t < 5; ++t) {
    for (const PixelShift& w : warp_of(movie, t)) {
      ASSERT_EQ(w.dy, 0.0);
      ASSERT_EQ(w.dx, 0.0);
    }
  }
  MovieParams off = warped(2.0, 5);
  off.motion.on = false;  // a warp amplitude without motion does nothing
  EXPECT_FALSE(NonrigidWarp(off).warps());
  // The warp's own stream: the rigid shifts of a warped movie are the rigid movie's.
  const SyntheticMovie with_warp(warped(2.0, 5));
  EXPECT_TRUE(with_warp.warp().warps());
  for (std::int64_t t = 0; t < 5; ++t) {
    EXPECT_EQ(with_warp.true_shift(t).dy, movie.true_shift(t).dy);
    EXPECT_EQ(with_warp.true_shift(t).dx, movie.true_shift(t).dx);
  }
}

TEST(NonrigidWarp, IsAFunctionOfItsSeedsStaysWithinPxAndUsesIt) {
  const SyntheticMovie a(warped(2.5)), b(warped(2.5, 20));
  MovieParams other = warped(2.5);
  other.motion.seed = 7;
  const SyntheticMovie c(other);
  double largest = 0;
  for (std::int64_t t = 0; t < 300; t += 10) {
    const std::vector<PixelShift> wa = warp_of(a, t);
    for (const PixelShift& w : wa) largest = std::max({largest, std::abs(w.dy), std::abs(w.dx)});
    if (t < 20) {
      const std::vector<PixelShift> wb = warp_of(b, t);  // a shorter movie, the same warp
      for (std::size_t p = 0; p < wa.size(); ++p) ASSERT_EQ(wa[p].dy, wb[p].dy);
    }
    if (t == 100) {
      EXPECT_NE(wa[500].dy, warp_of(c, t)[500].dy);  // another motion seed
    }
  }
  EXPECT_LE(largest, 2.5);
  EXPECT_GT(largest, 1.0);  // 10 s of slow amplitudes: a good part of the bound is used
}

TEST(NonrigidWarp, IsSmoothAndTheScenePointSolvesTheInverse) {
  const MovieParams params = warped(4.0);
  const SyntheticMovie movie(params);
  const NonrigidWarp& warp = movie.warp();
  for (std::int64_t t : {0, 77, 299}) {
    const NonrigidWarp::Frame frame = warp.frame(t, movie.true_shift(t));
    double slope = 0;
    for (int y = 0; y < params.height; y += 7) {
      for (int x = 0; x < params.width; x += 5) {
        const PixelShift here = frame.field(y, x), right = frame.field(y, x + 1), below = frame.field(y + 1, x);
        slope = std::max({slope, std::abs(right.dy - here.dy), std::abs(right.dx - here.dx),
                          std::abs(below.dy - here.dy), std::abs(below.dx - here.dx)});
        // Frame pixel (y, x) shows the scene at p with p − W(p) = (y, x).
        const NonrigidWarp::ScenePoint p = frame.scene_point(y, x);
        const PixelShift w = frame.field(p.y, p.x);
        ASSERT_NEAR(p.y - w.dy, y, 1e-8);
        ASSERT_NEAR(p.x - w.dx, x, 1e-8);
      }
    }
    EXPECT_LT(slope, 0.2) << "frame " << t;
  }
}

TEST(NonrigidWarp, AWarpedFrameIsTheSceneBentNotAnotherScene) {
  // Noise-free float64: a frame is the scene. Where the warp is near zero the warped frame
  // is the rigid one; elsewhere they differ.
  MovieParams params = warped(3.0, 3);
  params.pixel_type = PixelType::kF64;
  params.noise_free = true;
  MovieParams rigid_params = params;
  rigid_params.motion.warp_px = 0;
  const SyntheticMovie bent(params), rigid(rigid_params);
  std::vector<double> a(bent.shape().pixel_count()), b(a.size());
  bent.render<double>(2, a);
  rigid.render<double>(2, b);
  const std::vector<PixelShift> w = warp_of(bent, 2);
  double near_zero_error = 0, far_difference = 0;
  for (std::size_t p = 0; p < a.size(); ++p) {
    const double size = std::hypot(w[p].dy, w[p].dx);
    if (size < 0.01) near_zero_error = std::max(near_zero_error, std::abs(a[p] - b[p]) / b[p]);
    if (size > 1.0) far_difference = std::max(far_difference, std::abs(a[p] - b[p]) / b[p]);
  }
  EXPECT_LT(near_zero_error, 0.02);
  EXPECT_GT(far_difference, 0.05);
}

TEST(NonrigidWarp, BadAmplitudesAreRefusedByName) {
  const auto message = [](MovieParams params) -> std::string {
    try {
      params.validate();
    } catch (const Error& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_EQ(message(warped(-1)), "synthetic movie: motion warp must be a finite number of pixels >= 0, got -1");
  EXPECT_EQ(message(warped(INFINITY)), "synthetic movie: motion warp must be a finite number of pixels >= 0, got inf");
  EXPECT_EQ(message(warped(15)),
            "synthetic movie: motion of up to 19 px (drift 2 + walk 1 + jitter 1 + warp 15) is more than a quarter of "
            "the frame's smaller side (18 px)");
  EXPECT_EQ(message(warped(14)), "");
}

}  // namespace
}  // namespace calmon::synth
