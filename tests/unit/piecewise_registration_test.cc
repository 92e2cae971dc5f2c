// piecewise_registration_test.cc — PiecewiseRegistration lays its blocks out as documented,
// gives every block the rigid shift when the frame only translates, recovers a known
// smooth warp as a per-pixel field, interpolates between block centres (clamped beyond),
// lets a block with a flat reference or frame fall back to its neighbours, and rejects
// bad options and references with one-line errors.
#include "core/piecewise_registration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rigid_registration.h"
#include "core/warp_frame.h"

namespace calmon {
namespace {

// A non-periodic texture of small Gaussian blobs (σ about 1 px, so it has power up to the
// Nyquist frequency as a real frame with its noise does), evaluated at any position: a
// moved or warped copy is exact, not interpolated.
class Texture {
 public:
  Texture(unsigned seed, FrameShape shape) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> y(-20.0, shape.height + 20.0), x(-20.0, shape.width + 20.0);
    std::uniform_real_distribution<double> size(0.7, 1.6), brightness(50.0, 400.0);
    const int blobs = static_cast<int>(shape.pixel_count() / 12);
    for (int i = 0; i < blobs; ++i) blobs_.push_back({y(rng), x(rng), size(rng), brightness(rng)});
    // A coarse grid of buckets, so each point visits only the blobs near it.
    rows_ = (shape.height + 40) / kBucket + 1;
    cols_ = (shape.width + 40) / kBucket + 1;
    buckets_.resize(static_cast<std::size_t>(rows_ * cols_));
    for (std::size_t i = 0; i < blobs_.size(); ++i) {
      buckets_[bucket(blobs_[i].y, blobs_[i].x)].push_back(i);
    }
  }
  double at(double y, double x) const {
    double value = 100.0;
    const int r = static_cast<int>(std::floor((y + 20.0) / kBucket)),
              c = static_cast<int>(std::floor((x + 20.0) / kBucket));
    for (int br = r - 1; br <= r + 1; ++br) {
      for (int bc = c - 1; bc <= c + 1; ++bc) {
        if (br < 0 || bc < 0 || br >= rows_ || bc >= cols_) continue;
        for (std::size_t i : buckets_[static_cast<std::size_t>(br * cols_ + bc)]) {
          const Blob& b = blobs_[i];
          const double d2 = (y - b.y) * (y - b.y) + (x - b.x) * (x - b.x);
          value += b.brightness * std::exp(-d2 / (2.0 * b.size * b.size));
        }
      }
    }
    return value;
  }

 private:
  static constexpr int kBucket = 8;  // px; blobs further than 8 px add below 1e-10 of themselves
  struct Blob {
    double y, x, size, brightness;
  };
  std::size_t bucket(double y, double x) const {
    const int r = std::clamp(static_cast<int>(std::floor((y + 20.0) / kBucket)), 0, rows_ - 1);
    const int c = std::clamp(static_cast<int>(std::floor((x + 20.0) / kBucket)), 0, cols_ - 1);
    return static_cast<std::size_t>(r * cols_ + c);
  }
  std::vector<Blob> blobs_;
  std::vector<std::vector<std::size_t>> buckets_;
  int rows_ = 0, cols_ = 0;
};

// A registering field W(y, x) (out(p) = frame(p − W(p)) registers the frame) and the
// frame it belongs to: frame pixel q shows the texture at the p with p − W(p) = q, found
// by fixed-point iteration p ← q + W(p) (W is smooth, its slope far below 1).
struct Field {
  double rigid_dy = 0, rigid_dx = 0, amplitude = 0;
  double wy(double y, double x) const { return rigid_dy + amplitude * std::sin(0.013 * x + 0.6) * std::cos(0.011 * y); }
  double wx(double y, double x) const {
    return rigid_dx - amplitude * std::cos(0.012 * y - 0.4) * std::sin(0.010 * x + 1.0);
  }
};

std::vector<float> warped_texture(const Texture& texture, FrameShape shape, const Field& field) {
  std::vector<float> pixels(shape.pixel_count());
  for (int y = 0; y < shape.height; ++y) {
    for (int x = 0; x < shape.width; ++x) {
      double py = y, px = x;
      for (int i = 0; i < 30; ++i) {
        const double ny = y + field.wy(py, px), nx = x + field.wx(py, px);
        py = ny;
        px = nx;
      }
      pixels[static_cast<std::size_t>(y) * shape.width + x] = static_cast<float>(texture.at(py, px));
    }
  }
  return pixels;
}

FrameView<float> view(const std::vector<float>& pixels, FrameShape shape) { return {pixels.data(), shape}; }

std::string error_of(FrameShape shape, const PiecewiseOptions& options, const std::vector<float>& reference,
                     FrameShape reference_shape) {
  try {
    PiecewiseRegistration registration(shape, {}, options, view(reference, reference_shape));
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(PiecewiseRegistration, BlocksCoverTheFrameEvenlyWithAtLeastTheOverlap) {
  const FrameShape shape{512, 300};
  const Texture texture(1, {64, 64});
  std::vector<float> reference(shape.pixel_count());
  for (std::size_t i = 0; i < reference.size(); ++i) reference[i] = static_cast<float>((i * 7919) % 1000);
  const PiecewiseRegistration registration(shape, {}, {.block_size = 128, .block_overlap = 32}, view(reference, shape));
  ASSERT_EQ(registration.block_cols(), 5);  // origins 0, 96, 192, 288, 384
  ASSERT_EQ(registration.block_rows(), 3);  // 172 px to spread: steps of 86 <= 96
  EXPECT_EQ(registration.block(0, 0), (Rect{0, 128, 0, 128}));
  EXPECT_EQ(registration.block(0, 1), (Rect{96, 224, 0, 128}));
  EXPECT_EQ(registration.block(2, 4), (Rect{384, 512, 172, 300}));
  EXPECT_EQ(registration.block(1, 0), (Rect{0, 128, 86, 214}));
  const PiecewiseRegistration whole(shape, {}, {.block_size = 300, .block_overlap = 0}, view(reference, shape));
  EXPECT_EQ(whole.block_rows(), 1);
  EXPECT_EQ(whole.block_cols(), 2);
  EXPECT_EQ(whole.block(0, 1), (Rect{212, 512, 0, 300}));
}

class PiecewiseOnTexture : public ::testing::Test {
 protected:
  static constexpr FrameShape kShape{192, 160};
  PiecewiseOnTexture() : texture_(5, kShape), reference_(warped_texture(texture_, kShape, Field{})) {}

  // Rigid registration of the whole frame, then the blocks around its shift.
  const std::vector<BlockShift>& register_both(PiecewiseRegistration& piecewise, const std::vector<float>& frame) {
    RigidRegistration rigid(kShape, {}, view(reference_, kShape));
    rigid_ = rigid.register_frame(view(frame, kShape));
    EXPECT_EQ(rigid_.failed, RegistrationFailure::kNone);
    return piecewise.register_frame(view(frame, kShape), rigid_.dy, rigid_.dx);
  }

  Texture texture_;
  std::vector<float> reference_;
  RegistrationResult rigid_;
  const PiecewiseOptions options_{.block_size = 64, .block_overlap = 16, .max_deviation = 4.0, .min_block_peak = 0.05};
};

TEST_F(PiecewiseOnTexture, AUniformShiftGivesEveryBlockTheRigidShift) {
  PiecewiseRegistration piecewise(kShape, {}, options_, view(reference_, kShape));
  ASSERT_EQ(piecewise.block_rows(), 3);
  ASSERT_EQ(piecewise.block_cols(), 4);
  for (const Field& field : {Field{-3.0, 5.0, 0.0}, Field{2.3, -1.6, 0.0}, Field{0.45, 0.55, 0.0}}) {
    const std::vector<float> frame = warped_texture(texture_, kShape, field);
    const std::vector<BlockShift>& blocks = register_both(piecewise, frame);
    ASSERT_EQ(blocks.size(), 12u);
    for (const BlockShift& block : blocks) {
      EXPECT_FALSE(block.fallback) << registration_failure_name(block.failed);
      // Within 1.5 steps of the 0.1 px grid (as a subpixel rigid shift).
      EXPECT_NEAR(block.dy, field.rigid_dy, 0.15);
      EXPECT_NEAR(block.dx, field.rigid_dx, 0.15);
      EXPECT_GT(block.peak, 0.5);
    }
    std::vector<float> dy(kShape.pixel_count()), dx(kShape.pixel_count());
    piecewise.displacement(dy, dx);
    for (std::size_t p = 0; p < dy.size(); ++p) {
      ASSERT_NEAR(dy[p], field.rigid_dy, 0.15) << p;
      ASSERT_NEAR(dx[p], field.rigid_dx, 0.15) << p;
    }
  }
}

TEST_F(PiecewiseOnTexture, AKnownSmoothWarpIsRecovered) {
  PiecewiseRegistration piecewise(kShape, {}, options_, view(reference_, kShape));
  // Up to ±2 px about the rigid shift, varying by up to ~0.8 px across one 64 px block.
  const Field field{1.7, -2.4, 2.0};
  const std::vector<float> frame = warped_texture(texture_, kShape, field);
  const std::vector<BlockShift>& blocks = register_both(piecewise, frame);
  for (const BlockShift& block : blocks) EXPECT_FALSE(block.fallback) << registration_failure_name(block.failed);
  std::vector<float> dy(kShape.pixel_count()), dx(kShape.pixel_count());
  piecewise.displacement(dy, dx);
  // Between the outermost block centres (31.5 px in), against the true field; and the
  // rigid shift alone for comparison.
  double sum = 0, rigid_sum = 0, worst = 0;
  int count = 0;
  for (int y = 32; y < kShape.height - 32; ++y) {
    for (int x = 32; x < kShape.width - 32; ++x) {
      const std::size_t p = static_cast<std::size_t>(y) * kShape.width + x;
      const double ey = dy[p] - field.wy(y, x), ex = dx[p] - field.wx(y, x);
      sum += ey * ey + ex * ex;
      worst = std::max(worst, std::hypot(ey, ex));
      const double ry = rigid_.dy - field.wy(y, x), rx = rigid_.dx - field.wx(y, x);
      rigid_sum += ry * ry + rx * rx;
      ++count;
    }
  }
  const double rms = std::sqrt(sum / count), rigid_rms = std::sqrt(rigid_sum / count);
  std::printf("smooth warp: rms %.3f px, worst %.3f px; the rigid shift alone %.3f px rms\n", rms, worst, rigid_rms);
  EXPECT_LT(rms, 0.2);
  EXPECT_LT(worst, 0.5);
  EXPECT_GT(rigid_rms, 0.7);  // the warp is there to be found
  // Applying the field registers the frame: the warped frame matches the reference.
  std::vector<float> registered(kShape.pixel_count());
  warp_frame(view(frame, kShape), dy, dx, registered);
  double diff = 0, before = 0;
  for (int y = 32; y < kShape.height - 32; ++y) {
    for (int x = 32; x < kShape.width - 32; ++x) {
      const std::size_t p = static_cast<std::size_t>(y) * kShape.width + x;
      diff += std::abs(registered[p] - reference_[p]);
      before += std::abs(frame[p] - reference_[p]);
    }
  }
  EXPECT_LT(diff, 0.25 * before);
}

TEST_F(PiecewiseOnTexture, TheFieldInterpolatesBetweenBlockCentresAndClampsBeyond) {
  // Odd blocks: their centres fall on pixels. 63 px blocks, 16 overlap: 4 columns, 3 rows.
  PiecewiseRegistration piecewise(kShape, {}, {.block_size = 63, .block_overlap = 16}, view(reference_, kShape));
  const std::vector<float> frame = warped_texture(texture_, kShape, Field{0.5, -1.0, 2.0});
  const std::vector<BlockShift> blocks = register_both(piecewise, frame);
  std::vector<float> dy(kShape.pixel_count()), dx(kShape.pixel_count());
  piecewise.displacement(dy, dx);
  const int cols = piecewise.block_cols(), rows = piecewise.block_rows();
  auto centre = [&](int row, int col) {
    const Rect b = piecewise.block(row, col);
    return std::pair{b.ymin + 31, b.xmin + 31};
  };
  auto at = [&](const std::vector<float>& field, int y, int x) {
    return field[static_cast<std::size_t>(y) * kShape.width + x];
  };
  for (int row = 0; row < rows; ++row) {
    for (int col = 0; col < cols; ++col) {
      const auto [y, x] = centre(row, col);
      EXPECT_FLOAT_EQ(at(dy, y, x), static_cast<float>(blocks[row * cols + col].dy));
      EXPECT_FLOAT_EQ(at(dx, y, x), static_cast<float>(blocks[row * cols + col].dx));
    }
  }
  // Beyond the outermost centres the field is constant (the corner takes the corner block).
  EXPECT_FLOAT_EQ(at(dy, 0, 0), static_cast<float>(blocks[0].dy));
  EXPECT_FLOAT_EQ(at(dx, kShape.height - 1, kShape.width - 1), static_cast<float>(blocks.back().dx));
  // Between two centres of a row: linear from one to the other.
  const auto [y0, x0] = centre(1, 1);
  const auto [y1, x1] = centre(1, 2);
  ASSERT_EQ(y0, y1);
  const double w = 10.0 / (x1 - x0);
  EXPECT_NEAR(at(dy, y0, x0 + 10), (1 - w) * blocks[cols + 1].dy + w * blocks[cols + 2].dy, 1e-5);
  EXPECT_NEAR(at(dx, y0, x0 + 10), (1 - w) * blocks[cols + 1].dx + w * blocks[cols + 2].dx, 1e-5);
}

TEST_F(PiecewiseOnTexture, AFlatBlockFallsBackToItsNeighbours) {
  // The reference's top-left block is flat: it can never be registered.
  std::vector<float> reference = reference_;
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) reference[static_cast<std::size_t>(y) * kShape.width + x] = 321.0f;
  }
  PiecewiseRegistration piecewise(kShape, {}, options_, view(reference, kShape));
  const std::vector<float> frame = warped_texture(texture_, kShape, Field{1.0, 2.0, 1.5});
  std::vector<BlockShift> blocks = piecewise.register_frame(view(frame, kShape), 1.0, 2.0);
  const int cols = piecewise.block_cols();
  ASSERT_TRUE(blocks[0].fallback);
  EXPECT_EQ(blocks[0].failed, RegistrationFailure::kFlatFrame);
  const std::vector<int> neighbours = {1, cols, cols + 1};
  double mean_dy = 0, mean_dx = 0;
  for (int n : neighbours) {
    ASSERT_FALSE(blocks[n].fallback) << n;
    mean_dy += blocks[n].dy / 3;
    mean_dx += blocks[n].dx / 3;
  }
  EXPECT_NEAR(blocks[0].dy, mean_dy, 1e-12);
  EXPECT_NEAR(blocks[0].dx, mean_dx, 1e-12);

  // A frame whose block is flat: that block fails and falls back; with no strong
  // neighbour at all (a flat frame) every block takes the rigid shift.
  std::vector<float> flat_corner = frame;
  for (int y = kShape.height - 70; y < kShape.height; ++y) {
    for (int x = kShape.width - 70; x < kShape.width; ++x)
      flat_corner[static_cast<std::size_t>(y) * kShape.width + x] = 7.0f;
  }
  blocks = piecewise.register_frame(view(flat_corner, kShape), 0.0, 0.0);
  EXPECT_TRUE(blocks.back().fallback);
  EXPECT_EQ(blocks.back().failed, RegistrationFailure::kFlatFrame);
  const std::vector<float> flat(kShape.pixel_count(), 3.0f);
  for (const BlockShift& block : piecewise.register_frame(view(flat, kShape), -1.25, 0.5)) {
    EXPECT_TRUE(block.fallback);
    EXPECT_EQ(block.dy, -1.25);
    EXPECT_EQ(block.dx, 0.5);
  }
}

TEST_F(PiecewiseOnTexture, AShiftBeyondMaxDeviationFallsBack) {
  // The frame moved by 3 px but the rigid shift given is 0: with max_deviation 2 every
  // block's own finding lies too far and is replaced; with 4 it stands.
  const std::vector<float> frame = warped_texture(texture_, kShape, Field{3.0, 0.0, 0.0});
  PiecewiseOptions tight = options_;
  tight.max_deviation = 2.0;
  PiecewiseRegistration strict(kShape, {}, tight, view(reference_, kShape));
  for (const BlockShift& block : strict.register_frame(view(frame, kShape), 0.0, 0.0)) {
    EXPECT_TRUE(block.fallback);
    EXPECT_EQ(block.dy, 0.0);
  }
  PiecewiseRegistration loose(kShape, {}, options_, view(reference_, kShape));
  for (const BlockShift& block : loose.register_frame(view(frame, kShape), 0.0, 0.0)) {
    EXPECT_FALSE(block.fallback);
    EXPECT_NEAR(block.dy, 3.0, 0.1);
  }
}

TEST(PiecewiseRegistration, BadOptionsAndReferencesAreOneLineErrors) {
  const FrameShape shape{100, 80};
  std::vector<float> reference(shape.pixel_count());
  for (std::size_t i = 0; i < reference.size(); ++i) reference[i] = static_cast<float>((i * 7919) % 1000);
  EXPECT_EQ(error_of(shape, {.block_size = 81}, reference, shape),
            "piecewise registration: block_size 81 px must be from 8 to the 100x80 frame's smaller side (80 px)");
  EXPECT_EQ(error_of(shape, {.block_size = 4}, reference, shape),
            "piecewise registration: block_size 4 px must be from 8 to the 100x80 frame's smaller side (80 px)");
  EXPECT_EQ(error_of(shape, {.block_size = 40, .block_overlap = 40}, reference, shape),
            "piecewise registration: block_overlap 40 px must be from 0 to less than block_size (40 px)");
  EXPECT_EQ(error_of(shape, {.block_size = 40, .block_overlap = -1}, reference, shape),
            "piecewise registration: block_overlap -1 px must be from 0 to less than block_size (40 px)");
  EXPECT_EQ(error_of(shape, {.block_size = 40, .block_overlap = 8, .max_deviation = -0.5}, reference, shape),
            "piecewise registration: max_deviation -0.5 px must be from 0 to less than half of block_size (40 px)");
  EXPECT_EQ(error_of(shape, {.block_size = 40, .block_overlap = 8, .max_deviation = 20}, reference, shape),
            "piecewise registration: max_deviation 20 px must be from 0 to less than half of block_size (40 px)");
  EXPECT_EQ(error_of(shape, {.block_size = 40, .block_overlap = 8, .max_deviation = NAN}, reference, shape),
            "piecewise registration: max_deviation nan px must be from 0 to less than half of block_size (40 px)");
  EXPECT_EQ(error_of(shape, {.block_size = 40, .block_overlap = 8, .min_block_peak = 1.5}, reference, shape),
            "piecewise registration: min_block_peak 1.5 must be from 0 to 1");
  const PiecewiseOptions good{.block_size = 40, .block_overlap = 8};
  EXPECT_EQ(error_of(shape, good, reference, {80, 100}),
            "piecewise registration: the reference image is 80x100, not 100x80");
  std::vector<float> bad = reference;
  bad[1234] = NAN;
  EXPECT_EQ(error_of(shape, good, bad, shape), "piecewise registration: the reference image has a non-finite pixel");
  EXPECT_EQ(error_of(shape, good, std::vector<float>(shape.pixel_count(), 2.0f), shape),
            "piecewise registration: the reference image is flat (all pixels equal)");
  EXPECT_EQ(error_of(shape, good, reference, shape), "");
  // A rigid option the blocks cannot take is the rigid registration's own error.
  try {
    PiecewiseRegistration registration(shape, {.upsample_factor = 0}, good, view(reference, shape));
    FAIL() << "upsample_factor 0 was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).find("rigid registration: upsample_factor 0"), 0u) << error.what();
  }
  // Frames of another size and non-finite rigid shifts.
  PiecewiseRegistration registration(shape, {}, good, view(reference, shape));
  const std::vector<float> small(50 * 40, 1.0f);
  EXPECT_THROW(registration.register_frame(view(small, {50, 40}), 0.0, 0.0), Error);
  EXPECT_THROW(registration.register_frame(view(reference, shape), NAN, 0.0), Error);
  std::vector<float> dy(10), dx(10);
  EXPECT_THROW(registration.displacement(dy, dx), Error);
}

}  // namespace
}  // namespace calmon
