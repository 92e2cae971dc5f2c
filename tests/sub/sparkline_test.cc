// sparkline_test.cc — the recent values as blocks: scaled between their own minimum and
// maximum, only the last `width` kept, a blank for a value that is not finite, middle
// blocks for a flat trace.
#include "sub/sparkline.h"

#include <gtest/gtest.h>

#include <cmath>

namespace calmon::sub_tool {
namespace {

TEST(Sparkline, ScalesBetweenItsOwnMinimumAndMaximum) {
  Sparkline line(3);
  line.add(0.0);
  line.add(0.5);
  line.add(1.0);
  EXPECT_EQ(line.render(), "▁▅█");
}

TEST(Sparkline, KeepsOnlyTheLastWidthValues) {
  Sparkline line(3);
  for (const double value : {-10.0, 0.5, 1.0, 2.0}) line.add(value);
  EXPECT_EQ(line.render(), "▁▃█");  // -10 has gone, so 0.5 is the new bottom
}

TEST(Sparkline, AValueThatIsNotFiniteIsABlankAndDoesNotSetTheScale) {
  Sparkline line(4);
  for (const double value : {0.0, double{NAN}, 7.0, double{INFINITY}}) line.add(value);
  EXPECT_EQ(line.render(), "▁ █ ");
}

TEST(Sparkline, AFlatTraceIsARowOfMiddleBlocks) {
  Sparkline line(8);
  line.add(0.25);
  line.add(0.25);
  EXPECT_EQ(line.render(), "▄▄");
  EXPECT_EQ(Sparkline(8).render(), "");
}

}  // namespace
}  // namespace calmon::sub_tool
