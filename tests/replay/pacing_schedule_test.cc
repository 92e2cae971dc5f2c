// pacing_schedule_test.cc — due times come from the frame's index, never from the
// previous due time (no drift); a frame ready early waits for its due time, one ready
// late goes at once, and the schedule keeps its course so the replay catches up.
#include "replay/pacing_schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace calmon::replay {
namespace {

TEST(PacingSchedule, FrameKIsDueAtStartPlusKOverRate) {
  const PacingSchedule schedule(5'000, 30.0);
  EXPECT_EQ(schedule.due_ns(0), 5'000);
  EXPECT_EQ(schedule.due_ns(1), 5'000 + 33'333'333);
  EXPECT_EQ(schedule.due_ns(2), 5'000 + 66'666'667);  // rounded to the nearest ns
  EXPECT_EQ(schedule.due_ns(3), 5'000 + 100'000'000);
  EXPECT_EQ(schedule.due_ns(30), 5'000 + 1'000'000'000);
}

TEST(PacingSchedule, DoesNotDriftOverMillionsOfFrames) {
  // 29.97 Hz has no exact period in ns; adding a rounded period would drift by
  // 0.3 ns per frame, 9 ms after 30 million frames.
  const PacingSchedule schedule(0, 29.97);
  EXPECT_EQ(schedule.due_ns(29'970'000), 1'000'000'000'000'000);  // exactly 10^6 s
  EXPECT_EQ(schedule.due_ns(2'997), 100'000'000'000);             // exactly 100 s
}

TEST(PacingSchedule, ConsecutiveDueTimesAreOnePeriodApartToTheNanosecond) {
  const PacingSchedule schedule(123'456'789, 29.97);
  const double period_ns = 1e9 / 29.97;
  for (std::int64_t k = 1'000'000; k < 1'001'000; ++k) {
    const std::int64_t interval = schedule.due_ns(k) - schedule.due_ns(k - 1);
    EXPECT_LE(std::abs(static_cast<double>(interval) - period_ns), 1.0) << "frame " << k;
  }
}

TEST(PacingSchedule, AFrameReadyEarlyWaitsForItsDueTime) {
  const PacingSchedule schedule(1'000'000, 1000.0);
  const SendSlot slot = schedule.slot(4, 4'700'000);
  EXPECT_EQ(slot.due_ns, 5'000'000);
  EXPECT_FALSE(slot.late);
  EXPECT_EQ(slot.wait_ns, 300'000);
}

TEST(PacingSchedule, AFrameReadyExactlyOnTimeIsNotLate) {
  const PacingSchedule schedule(0, 1000.0);
  const SendSlot slot = schedule.slot(7, 7'000'000);
  EXPECT_FALSE(slot.late);
  EXPECT_EQ(slot.wait_ns, 0);
}

TEST(PacingSchedule, ALateFrameGoesAtOnceAndTheScheduleKeepsItsCourse) {
  const PacingSchedule schedule(0, 100.0);  // 10 ms period
  const SendSlot late = schedule.slot(5, 75'000'000);
  EXPECT_TRUE(late.late);
  EXPECT_EQ(late.wait_ns, 0);
  EXPECT_EQ(late.due_ns, 50'000'000);
  // The next frames are due where they always were, not a period after the late one.
  EXPECT_EQ(schedule.slot(6, 75'100'000).due_ns, 60'000'000);
  EXPECT_EQ(schedule.slot(8, 75'200'000).due_ns, 80'000'000);
  EXPECT_FALSE(schedule.slot(8, 75'200'000).late);
}

// A replay loop in miniature: each frame takes a tenth of a period to read, frame 10
// takes 3.5 periods (a stall). Sent at max(ready, due), the frames behind the schedule are
// late until it has caught up: 10, 11 and 12 — then frame 13 waits again.
TEST(PacingSchedule, AStallMakesFramesLateUntilTheScheduleHasCaughtUp) {
  const PacingSchedule schedule(0, 100.0);
  const std::int64_t period = 10'000'000;
  std::int64_t now = 0;
  std::vector<std::int64_t> late_frames;
  for (std::int64_t k = 1; k < 20; ++k) {
    now += k == 10 ? 35 * period / 10 : period / 10;
    const SendSlot slot = schedule.slot(k, now);
    if (slot.late) late_frames.push_back(k);
    now += slot.wait_ns;  // now == max(ready, due)
  }
  EXPECT_EQ(late_frames, (std::vector<std::int64_t>{10, 11, 12}));
}

TEST(PacingSchedule, ARateThatIsNotPositiveAndFiniteIsRejected) {
  for (const double rate :
       {0.0, -30.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_THROW(PacingSchedule(0, rate), Error) << rate;
  }
}

}  // namespace
}  // namespace calmon::replay
