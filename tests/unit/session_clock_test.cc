// session_clock_test.cc — times in seconds from a session's first frame, from the best source it offers.
#include "core/session_clock.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace calmon {
namespace {

TEST(SessionClock, AcquisitionClockTimesAreDifferencesFromTheFirstFrame) {
  SessionClock clock(30.0);  // a config rate does not override the acquisition's own times
  EXPECT_EQ(clock.time_s(7, 12.5, 0.0), 0.0);
  EXPECT_EQ(clock.time_s(8, 12.5 + 0.0333, 0.0), (12.5 + 0.0333) - 12.5);
  // A frame missing in between: its successor's time jumps, as the acquisition's clock did.
  EXPECT_EQ(clock.time_s(10, 12.6, 0.0), 12.6 - 12.5);
  EXPECT_EQ(clock.source(), TimeSource::kAcquisitionClock);
  EXPECT_EQ(time_source_name(clock.source()), "acquisition clock");
  EXPECT_EQ(clock.rate_hz(), 30.0);
  // A frame without a time in a session of timed frames has none.
  EXPECT_FALSE(clock.time_s(11, std::nullopt, 0.0).has_value());
}

TEST(SessionClock, TheConfigRateWinsOverTheSourceRate) {
  SessionClock clock(20.0);
  EXPECT_EQ(clock.time_s(100, std::nullopt, 30.0), 0.0);
  EXPECT_EQ(clock.time_s(101, std::nullopt, 30.0), 1.0 / 20.0);
  EXPECT_EQ(clock.time_s(105, std::nullopt, 30.0), 5.0 / 20.0);  // a gap of 3 frames is 0.15 s
  EXPECT_EQ(clock.source(), TimeSource::kConfigRate);
  EXPECT_EQ(clock.rate_hz(), 20.0);
}

TEST(SessionClock, TheSourceRateServesWhenTheConfigSetsNone) {
  SessionClock clock;
  EXPECT_EQ(clock.time_s(0, std::nullopt, 30.0), 0.0);
  EXPECT_EQ(clock.time_s(3, std::nullopt, 30.0), 3.0 / 30.0);
  EXPECT_EQ(clock.source(), TimeSource::kSourceRate);
  EXPECT_EQ(time_source_name(clock.source()), "declared frame rate");
  // A frame that arrives after a later one lies before it.
  EXPECT_EQ(clock.time_s(2, std::nullopt, 30.0), 2.0 / 30.0);
}

TEST(SessionClock, NoTimeWithoutAClockOrARateAndTheFirstFrameDecides) {
  SessionClock clock;
  EXPECT_FALSE(clock.time_s(0, std::nullopt, 0.0).has_value());
  EXPECT_EQ(clock.source(), TimeSource::kNone);
  EXPECT_EQ(time_source_name(clock.source()), "");
  // A later frame that brings a time does not switch the session's kind of time.
  EXPECT_FALSE(clock.time_s(1, 5.0, 30.0).has_value());
  EXPECT_EQ(clock.rate_hz(), 0.0);
}

}  // namespace
}  // namespace calmon
