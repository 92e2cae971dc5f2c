// replayed_frame_time_test.cc — the frame time a replayed frame carries: the file's own on
// the first pass, later passes one pass length further each, none when the file has none.
#include "replay/replayed_frame_time.h"

#include <gtest/gtest.h>

namespace calmon::replay {
namespace {

io::MovieTimeBase times(std::vector<double> frame_times_s, double rate_hz = 0.0) {
  io::MovieTimeBase time_base;
  time_base.frame_times_s = std::move(frame_times_s);
  time_base.rate.hz = rate_hz;
  return time_base;
}

TEST(ReplayedFrameTime, TheFirstPassSendsTheFilesOwnTimes) {
  const io::MovieTimeBase time_base = times({10.0, 10.1, 10.25, 10.3});
  const FrameSelection all{0, 4};
  for (std::int64_t t = 0; t < 4; ++t) {
    EXPECT_EQ(replayed_frame_time_s(time_base, all, t, 0), time_base.frame_times_s[static_cast<std::size_t>(t)]);
  }
}

TEST(ReplayedFrameTime, LaterPassesGoOnWhereThePassBeforeEnded) {
  const io::MovieTimeBase time_base = times({0.0, 1.0, 2.0, 3.0, 4.0, 5.0});
  const FrameSelection middle{1, 4};  // frames 1..3: a pass spans 2 s plus one 1 s interval
  EXPECT_EQ(replayed_frame_time_s(time_base, middle, 1, 1), 4.0);
  EXPECT_EQ(replayed_frame_time_s(time_base, middle, 3, 1), 6.0);
  EXPECT_EQ(replayed_frame_time_s(time_base, middle, 1, 2), 7.0);
}

TEST(ReplayedFrameTime, AOneFrameLoopStepsByTheDeclaredIntervalOrCarriesNoTime) {
  const FrameSelection one{2, 3};
  EXPECT_EQ(replayed_frame_time_s(times({0.0, 0.5, 1.0}, 4.0), one, 2, 3), 1.0 + 3 * 0.25);
  EXPECT_FALSE(replayed_frame_time_s(times({0.0, 0.5, 1.0}), one, 2, 1).has_value());
  EXPECT_EQ(replayed_frame_time_s(times({0.0, 0.5, 1.0}), one, 2, 0), 1.0);
}

TEST(ReplayedFrameTime, AFileWithoutFrameTimesSendsNone) {
  EXPECT_FALSE(replayed_frame_time_s(times({}, 30.0), FrameSelection{0, 5}, 3, 0).has_value());
  EXPECT_FALSE(replayed_frame_time_s(times({}, 30.0), FrameSelection{0, 5}, 3, 2).has_value());
}

}  // namespace
}  // namespace calmon::replay
