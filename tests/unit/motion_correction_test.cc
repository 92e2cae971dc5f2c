// motion_correction_test.cc — MotionCorrection builds its reference where most frames
// sit, moves each frame back onto it (integer shifts exactly), reports what it could not
// do instead of throwing, follows a running template when asked, and rejects a reference
// of the wrong size with one line; and the Pipeline, fed registered frames, leaves pixels
// from outside the frame out of every mean and flags the ROIs that lost some.
#include "core/motion_correction.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/pipeline.h"
#include "core/shift_frame.h"
#include "core/trace_flags.h"
#include "test_texture.h"

namespace calmon {
namespace {

using testing::Texture;

constexpr FrameShape kShape{72, 64};

MotionSettings whole_pixel_settings() {
  MotionSettings settings;
  settings.rigid.max_shift = 10;
  settings.rigid.upsample_factor = 1;
  return settings;
}

Image image_from(const std::vector<float>& pixels, FrameShape shape) {
  return Image{shape, std::vector<double>(pixels.begin(), pixels.end())};
}

std::string error_of(const MotionSettings& settings, FrameShape shape) {
  try {
    MotionCorrection motion(settings, shape);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(MotionCorrection, IntegerShiftMovesTheFrameBackExactly) {
  const Texture texture(1);
  MotionSettings settings = whole_pixel_settings();
  const std::vector<float> scene = texture.image(kShape);
  settings.reference = image_from(scene, kShape);
  MotionCorrection motion(settings, kShape);
  ASSERT_TRUE(motion.has_reference());
  EXPECT_EQ(motion.reference_frames_wanted(), 0u);

  const std::vector<float> moved = texture.image(kShape, 3, -2);  // content 3 px down, 2 px left
  std::vector<float> out(kShape.pixel_count());
  const FrameMotion result = motion.correct(FrameView<float>(moved.data(), kShape), out);
  EXPECT_EQ(result.failed, RegistrationFailure::kNone);
  EXPECT_EQ(result.dy, -3.0);
  EXPECT_EQ(result.dx, 2.0);
  std::size_t invalid = 0;
  for (int y = 0; y < kShape.height; ++y) {
    for (int x = 0; x < kShape.width; ++x) {
      const float value = out[y * kShape.width + x];
      const bool from_outside = y >= kShape.height - 3 || x < 2;
      if (from_outside) {
        EXPECT_TRUE(std::isnan(value)) << x << "," << y;
        ++invalid;
      } else {
        EXPECT_EQ(value, scene[y * kShape.width + x]) << x << "," << y;
      }
    }
  }
  EXPECT_EQ(invalid, static_cast<std::size_t>(3 * kShape.width + 2 * (kShape.height - 3)));
}

TEST(MotionCorrection, ReferenceIsBuiltWhereMostFramesSit) {
  const Texture texture(2);
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 5.0f);
  // 24 frames at rest, 8 moved away (the animal ran for a moment), noisy.
  std::vector<std::vector<float>> frames;
  for (int i = 0; i < 32; ++i) {
    const bool away = i >= 10 && i < 18;
    std::vector<float> frame = texture.image(kShape, away ? 4 : 0, away ? 3 : 0);
    for (float& v : frame) v += noise(rng);
    frames.push_back(std::move(frame));
  }
  MotionSettings settings = whole_pixel_settings();
  settings.reference_frames = 32;
  MotionCorrection motion(settings, kShape);
  EXPECT_FALSE(motion.has_reference());
  EXPECT_EQ(motion.reference_frames_wanted(), 32u);
  std::vector<AnyFrameView> views;
  for (const auto& frame : frames) views.push_back(FrameView<float>(frame.data(), kShape));
  motion.build_reference(views);
  ASSERT_TRUE(motion.has_reference());
  EXPECT_EQ(motion.reference_frames_used(), 32u);

  std::vector<float> out(kShape.pixel_count());
  for (int i = 0; i < 32; ++i) {
    const bool away = i >= 10 && i < 18;
    const FrameMotion result = motion.correct(views[i], out);
    EXPECT_EQ(result.failed, RegistrationFailure::kNone) << i;
    EXPECT_EQ(result.dy, away ? -4.0 : 0.0) << i;
    EXPECT_EQ(result.dx, away ? -3.0 : 0.0) << i;
  }
}

TEST(MotionCorrection, SameFramesGiveTheSameBits) {
  const Texture texture(3);
  std::vector<std::vector<float>> frames;
  for (int i = 0; i < 12; ++i) frames.push_back(texture.image(kShape, 0.37 * (i % 5), -0.21 * (i % 3)));
  std::vector<AnyFrameView> views;
  for (const auto& frame : frames) views.push_back(FrameView<float>(frame.data(), kShape));
  MotionSettings settings;
  settings.rigid.max_shift = 10;
  settings.reference_frames = 8;
  settings.template_update = 0.1;
  std::vector<std::vector<float>> outputs[2];
  for (auto& output : outputs) {
    MotionCorrection motion(settings, kShape);
    motion.build_reference(views);
    for (const AnyFrameView& view : views) {
      output.emplace_back(kShape.pixel_count());
      motion.correct(view, output.back());
    }
  }
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(std::memcmp(outputs[0][i].data(), outputs[1][i].data(), outputs[0][i].size() * sizeof(float)), 0) << i;
  }
}

TEST(MotionCorrection, FlatFramesGiveNoReferenceAndFramesPassUnshifted) {
  const std::vector<float> flat(kShape.pixel_count(), 7.0f);
  std::vector<AnyFrameView> views(5, FrameView<float>(flat.data(), kShape));
  MotionCorrection motion(whole_pixel_settings(), kShape);
  try {
    motion.build_reference(views);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "motion: the reference from the first 5 frames: rigid registration: the reference image is flat (all "
              "pixels equal)");
  }
  EXPECT_FALSE(motion.has_reference());
  const Texture texture(4);
  const std::vector<float> frame = texture.image(kShape);
  std::vector<float> out(kShape.pixel_count());
  const FrameMotion result = motion.correct(FrameView<float>(frame.data(), kShape), out);
  EXPECT_EQ(result.failed, RegistrationFailure::kNoReference);
  EXPECT_EQ(failure_code(result.failed), 5);
  EXPECT_EQ(out, frame);
}

TEST(MotionCorrection, FailedFramesAreUsedUnshifted) {
  const Texture texture(5);
  MotionSettings settings = whole_pixel_settings();
  settings.reference = image_from(texture.image(kShape), kShape);
  settings.rigid.min_peak = 0.3;  // unrelated images of this size still peak near 0.1
  MotionCorrection motion(settings, kShape);
  std::vector<float> frame(kShape.pixel_count(), 3.0f);
  std::vector<float> out(kShape.pixel_count());
  FrameMotion result = motion.correct(FrameView<float>(frame.data(), kShape), out);
  EXPECT_EQ(result.failed, RegistrationFailure::kFlatFrame);
  EXPECT_EQ(out, frame);
  frame = Texture(99).image(kShape);  // another scene: no match
  result = motion.correct(FrameView<float>(frame.data(), kShape), out);
  EXPECT_EQ(result.failed, RegistrationFailure::kLowPeak);
  EXPECT_EQ(result.dy, 0.0);
  EXPECT_EQ(result.dx, 0.0);
  EXPECT_EQ(out, frame);
}

TEST(MotionCorrection, RunningTemplateFollowsTheFrames) {
  const Texture texture(6);
  MotionSettings settings = whole_pixel_settings();
  const std::vector<float> scene = texture.image(kShape);
  settings.reference = image_from(scene, kShape);
  settings.template_update = 0.25;
  MotionCorrection motion(settings, kShape);
  std::vector<float> brighter = scene;
  for (float& v : brighter) v += 40.0f;
  std::vector<float> out(kShape.pixel_count());
  motion.correct(FrameView<float>(brighter.data(), kShape), out);
  for (std::size_t p = 0; p < scene.size(); p += 97) {
    EXPECT_DOUBLE_EQ(motion.reference().pixels[p], 0.75 * scene[p] + 0.25 * brighter[p]) << p;
  }
}

TEST(MotionCorrection, BadSettingsAreOneLineErrors) {
  MotionSettings settings = whole_pixel_settings();
  settings.reference = Image{FrameShape{10, 10}, std::vector<double>(100, 1.0)};
  EXPECT_EQ(error_of(settings, kShape), "motion: the reference image is 10x10, the frames are 72x64");
  settings.reference.reset();
  settings.rigid.max_shift = 32;
  EXPECT_EQ(error_of(settings, kShape),
            "rigid registration: max_shift 32 px must be at least 1 and less than half of the 72x64 frame (32 px)");
  settings = whole_pixel_settings();
  settings.reference_frames = 0;
  EXPECT_EQ(error_of(settings, kShape), "motion: reference_frames 0 must be at least 1");
  settings = whole_pixel_settings();
  settings.template_update = 1.0;
  EXPECT_EQ(error_of(settings, kShape), "motion: template_update 1 must be at least 0 and below 1");
  settings = whole_pixel_settings();
  std::vector<double> pixels(kShape.pixel_count(), 1.0);
  pixels[5] = std::numeric_limits<double>::quiet_NaN();
  pixels[6] = 2.0;
  settings.reference = Image{kShape, pixels};
  EXPECT_EQ(error_of(settings, kShape), "rigid registration: the reference image has a non-finite pixel");
}

TEST(MotionCorrection, PiecewiseGivesEveryBlockTheUniformShiftAndWarpsAsShiftFrameWould) {
  const Texture texture(7);
  MotionSettings settings = whole_pixel_settings();
  settings.reference = image_from(texture.image(kShape), kShape);
  settings.piecewise = PiecewiseOptions{.block_size = 32, .block_overlap = 8, .max_deviation = 3.0};
  MotionCorrection motion(settings, kShape);
  EXPECT_EQ(motion.block_rows(), 3);  // 64 px: blocks at 0, 16, 32
  EXPECT_EQ(motion.block_cols(), 3);  // 72 px: blocks at 0, 20, 40
  const std::vector<float> moved = texture.image(kShape, 2, -3);
  std::vector<float> out(kShape.pixel_count());
  const FrameMotion result = motion.correct(FrameView<float>(moved.data(), kShape), out);
  ASSERT_EQ(result.failed, RegistrationFailure::kNone);
  EXPECT_EQ(result.block_rows, 3);
  ASSERT_EQ(result.blocks.size(), 9u);
  for (const BlockShift& block : result.blocks) {
    EXPECT_EQ(block.dy, -2.0);
    EXPECT_EQ(block.dx, 3.0);
  }
  // A uniform field of whole pixels: the frame moved exactly, as shift_frame moves it.
  std::vector<float> shifted(kShape.pixel_count());
  shift_frame(FrameView<float>(moved.data(), kShape), -2.0, 3.0, shifted);
  EXPECT_EQ(std::memcmp(out.data(), shifted.data(), out.size() * sizeof(float)), 0);

  const std::vector<float> flat(kShape.pixel_count(), 1.0f);
  const FrameMotion failed = motion.correct(FrameView<float>(flat.data(), kShape), out);
  EXPECT_EQ(failed.failed, RegistrationFailure::kFlatFrame);
  EXPECT_TRUE(failed.blocks.empty());
  EXPECT_EQ(failed.block_cols, 3);
}

TEST(MotionCorrection, PiecewiseOptionsAreCheckedBeforeAnyFrame) {
  MotionSettings settings = whole_pixel_settings();
  settings.piecewise = PiecewiseOptions{.block_size = 128};
  EXPECT_EQ(error_of(settings, kShape),
            "piecewise registration: block_size 128 px must be from 8 to the 72x64 frame's smaller side (64 px)");
}

// --- the Pipeline on registered frames ---------------------------------------------------

PipelineSettings settings_with_rois() {
  PipelineSettings settings;
  settings.motion = MotionSettings();
  settings.projections.push_back(ProjectionSpec{.name = "all"});
  RoiSettings inside;
  inside.name = "inside";
  inside.region = Region::rect(Rect{10, 14, 10, 14});
  RoiSettings edge;
  edge.name = "edge";
  edge.region = Region::rect(Rect{0, 4, 10, 14});  // columns 0..3
  edge.neuropil.source = NeuropilSettings::Source::kGlobalMean;
  edge.neuropil.r = 0.5;
  settings.rois = {inside, edge};
  return settings;
}

TEST(MotionPipeline, PixelsFromOutsideAreLeftOutAndFlagged) {
  Pipeline pipeline(settings_with_rois(), FrameShape{20, 20}, PixelType::kF32);
  std::vector<float> frame(400);
  for (std::size_t p = 0; p < frame.size(); ++p) frame[p] = static_cast<float>(p % 20);  // value = x
  for (int y = 0; y < 20; ++y) {
    frame[y * 20 + 0] = std::numeric_limits<float>::quiet_NaN();  // column 0 came from outside
  }
  const FrameResult& result = pipeline.push(FrameView<float>(frame.data(), FrameShape{20, 20}));
  EXPECT_EQ(result.f[0], 11.5);
  EXPECT_EQ(result.flags[0], 0);
  EXPECT_EQ(result.f[1], 2.0);  // columns 1..3
  EXPECT_EQ(result.flags[1] & kFlagOutsideFrame, kFlagOutsideFrame);
  EXPECT_EQ(result.flags[1] & kFlagNonFinitePixels, 0);
  ASSERT_TRUE(result.global.has_value());
  EXPECT_DOUBLE_EQ(result.global->mean, 10.0);  // columns 1..19
  EXPECT_EQ(result.global->min, 1.0);
  EXPECT_EQ(result.fneu[1], result.global->mean);
  EXPECT_DOUBLE_EQ(result.fcorr[1], 2.0 - 0.5 * 10.0);
}

TEST(MotionPipeline, AnRoiWithNoValidPixelIsNaN) {
  Pipeline pipeline(settings_with_rois(), FrameShape{20, 20}, PixelType::kF32);
  std::vector<float> frame(400, 1.0f);
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 4; ++x) frame[y * 20 + x] = std::numeric_limits<float>::quiet_NaN();
  }
  const FrameResult& result = pipeline.push(FrameView<float>(frame.data(), FrameShape{20, 20}));
  EXPECT_TRUE(std::isnan(result.f[1]));
  EXPECT_EQ(result.flags[1] & (kFlagOutsideFrame | kFlagNonFinitePixels), kFlagOutsideFrame | kFlagNonFinitePixels);
}

TEST(MotionPipeline, TakesRegisteredFloatFramesOnly) {
  try {
    Pipeline pipeline(settings_with_rois(), FrameShape{20, 20}, PixelType::kU16);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "with motion correction the pipeline takes registered float32 frames, not uint16");
  }
}

}  // namespace
}  // namespace calmon
