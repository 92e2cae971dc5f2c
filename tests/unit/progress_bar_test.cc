// progress_bar_test.cc — the progress line says frames sent of how many, the rate and
// the time left; a disabled bar writes nothing, an enabled one redraws at most every
// 100 ms and ends its line.
#include "io/progress_bar.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace calmon::io {
namespace {

// Everything `write` prints to a FILE*.
template <class F> std::string captured(F write) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  write(out);
  std::fclose(out);
  std::string text(buffer, size);
  std::free(buffer);
  return text;
}

TEST(ProgressBar, ShowsFramesOfTotalRateAndTimeLeft) {
  EXPECT_EQ(format_progress({601, 2001, 0, 20.0}), "[######..............]  601/2001 frames  30.0 frames/s  ETA 0:47");
}

TEST(ProgressBar, ShowsLateFrames) {
  EXPECT_EQ(format_progress({2001, 2001, 3, 20.0}), "[####################]  2001/2001 frames  100.0 frames/s  3 late");
}

TEST(ProgressBar, WithoutATotalShowsTheElapsedTime) {
  EXPECT_EQ(format_progress({45001, std::nullopt, 0, 3723.0}), "45001 frames  12.1 frames/s  1:02:03");
}

TEST(ProgressBar, BeforeAnyTimeHasPassedTheTimeLeftIsUnknown) {
  EXPECT_EQ(format_progress({1, 10, 0, 0.0}), "[##..................]  1/10 frames  0.0 frames/s  ETA ?");
}

TEST(ProgressBar, ADisabledBarWritesNothing) {
  EXPECT_EQ(captured([](std::FILE* out) {
              ProgressBar bar(out, false);
              bar.update({1, 10, 0, 1.0}, 0);
              bar.finish({10, 10, 0, 1.0});
            }),
            "");
}

TEST(ProgressBar, RedrawsAtMostEvery100MillisecondsAndEndsItsLine) {
  const std::string text = captured([](std::FILE* out) {
    ProgressBar bar(out, true);
    bar.update({2, std::nullopt, 0, 1.0}, 1'000'000'000);
    bar.update({3, std::nullopt, 0, 1.0}, 1'050'000'000);  // too soon: skipped
    bar.update({4, std::nullopt, 0, 1.0}, 1'100'000'000);
    bar.finish({5, std::nullopt, 0, 1.0});
    bar.finish({6, std::nullopt, 0, 1.0});  // finished already: nothing
  });
  EXPECT_EQ(text, "\r2 frames  1.0 frames/s  0:01\r4 frames  3.0 frames/s  0:01\r5 frames  4.0 frames/s  0:01\n");
}

TEST(ProgressBar, AShorterLineBlanksOutTheRestOfTheLongerOne) {
  const std::string text = captured([](std::FILE* out) {
    ProgressBar bar(out, true);
    bar.update({101, std::nullopt, 5, 1.0}, 0);
    bar.finish({101, std::nullopt, 0, 1.0});
  });
  EXPECT_EQ(text, "\r101 frames  100.0 frames/s  0:01  5 late\r101 frames  100.0 frames/s  0:01        \n");
}

TEST(ProgressBar, BreakingTheLineLetsAMessageStandAloneAndRedrawsBelowIt) {
  const std::string text = captured([](std::FILE* out) {
    ProgressBar bar(out, true);
    bar.break_line();  // nothing drawn yet: nothing to end
    bar.update({2, 4, 0, 1.0}, 0);
    bar.break_line();
    std::fputs("warning\n", out);
    bar.update({3, 4, 0, 1.0}, 1'000);  // at once: a broken line is redrawn
    bar.finish();
  });
  EXPECT_EQ(text,
            "\r[##########..........]  2/4 frames  1.0 frames/s  ETA 0:02\n"
            "warning\n"
            "\r[###############.....]  3/4 frames  2.0 frames/s  ETA 0:01\n");
}

}  // namespace
}  // namespace calmon::io
