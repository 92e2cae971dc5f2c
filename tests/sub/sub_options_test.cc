// sub_options_test.cc — calmon-sub's command line: the defaults, each option read (--roi
// repeatable, in order), and a refresh rate out of (0, 1000] one line, then the usage,
// exit 2.
#include "sub/sub_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace calmon::sub_tool {
namespace {

SubOptions parse(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "calmon-sub");
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  return parse_sub_options(static_cast<int>(argv.size()), argv.data());
}

TEST(SubOptions, TheDefaultsShowEveryRoiLiveOnlyTenTimesASecond) {
  const SubOptions options = parse({});
  EXPECT_EQ(options.subscriber.endpoint, "tcp://127.0.0.1:5571");
  EXPECT_TRUE(options.rois.empty());
  EXPECT_FALSE(options.settled || options.follow || options.plain);
  EXPECT_EQ(options.rate_hz, 10.0);
}

TEST(SubOptions, EveryOptionIsRead) {
  const SubOptions options = parse({"--roi", "cell2", "--from", "ipc:///tmp/calmond", "--roi", "cell1", "--settled",
                                    "--rate", "2.5", "--follow", "--plain"});
  EXPECT_EQ(options.rois, (std::vector<std::string>{"cell2", "cell1"}));
  EXPECT_EQ(options.subscriber.endpoint, "ipc:///tmp/calmond");
  EXPECT_TRUE(options.settled && options.follow && options.plain);
  EXPECT_EQ(options.rate_hz, 2.5);
}

TEST(SubOptions, ARateOutOfRangeIsAUsageError) {
  for (const char* rate : {"0", "-1", "1001", "nan"}) {
    EXPECT_EXIT(parse({"--rate", rate}), ::testing::ExitedWithCode(2),
                "^calmon-sub: --rate expects a number of refreshes per second in \\(0, 1000\\]\nusage: calmon-sub")
        << rate;
  }
  EXPECT_EXIT(parse({"--rate", "fast"}), ::testing::ExitedWithCode(2), "^calmon-sub: .*rate.*\nusage: calmon-sub");
}

}  // namespace
}  // namespace calmon::sub_tool
