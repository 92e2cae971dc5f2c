// rate_limited_log_test.cc — at most one line per key per period; suppressed lines are
// counted and the count is written with the next line or by flush().
#include "daemon/rate_limited_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace calmon::daemon {
namespace {

using namespace std::chrono_literals;

struct Capture {
  std::vector<std::string> lines;
  RateLimitedLog log{[this](const std::string& line) { lines.push_back(line); }, 1s};
};

const RateLimitedLog::Clock::time_point t0{};

TEST(RateLimitedLog, TheFirstLineOfAKeyIsWrittenAndRepeatsWithinThePeriodAreNot) {
  Capture c;
  c.log.write("bad_header", "rejected 1", t0);
  c.log.write("bad_header", "rejected 2", t0 + 10ms);
  c.log.write("bad_header", "rejected 3", t0 + 999ms);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"rejected 1"}));
}

TEST(RateLimitedLog, TheNextLineAfterThePeriodSaysHowManyWereSuppressed) {
  Capture c;
  c.log.write("k", "a", t0);
  c.log.write("k", "b", t0 + 100ms);
  c.log.write("k", "c", t0 + 200ms);
  c.log.write("k", "d", t0 + 1s);
  c.log.write("k", "e", t0 + 2500ms);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"a", "d (2 more suppressed)", "e"}));
}

TEST(RateLimitedLog, KeysAreLimitedIndependently) {
  Capture c;
  c.log.write("too_large", "x", t0);
  c.log.write("bad_header", "y", t0 + 1ms);
  c.log.write("too_large", "z", t0 + 2ms);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"x", "y"}));
}

TEST(RateLimitedLog, FlushWritesTheCountOfKeysThatWentQuiet) {
  Capture c;
  c.log.write("k", "a", t0);
  c.log.write("k", "b", t0 + 1ms);
  c.log.write("quiet", "q", t0);
  c.log.flush(t0 + 500ms);  // the period has not passed yet
  EXPECT_EQ(c.lines.size(), 2u);
  c.log.flush(t0 + 1s);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"a", "q", "k: 1 more suppressed"}));
  c.log.flush(t0 + 5s);  // nothing left to say
  EXPECT_EQ(c.lines.size(), 3u);
}

}  // namespace
}  // namespace calmon::daemon
