// follow_options_test.cc — calmon-follow's command line: a file or a folder (with its
// glob), calmon-replay's endpoint options spelled and defaulted the same way, and the two
// kinds of mistakes (UsageError: exit 2 with the usage; calmon::Error: one line, exit 1).
#include "follow/follow_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace calmon::follow {
namespace {

FollowOptions parse(std::vector<std::string> args) {
  args.insert(args.begin(), "calmon-follow");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return parse_follow_options(static_cast<int>(argv.size()), argv.data());
}

TEST(FollowOptions, AFileWithTheDefaults) {
  const FollowOptions options = parse({"rig/movie_00001_00001.tif"});
  EXPECT_EQ(options.file, "rig/movie_00001_00001.tif");
  EXPECT_TRUE(options.folder.empty());
  EXPECT_EQ(options.endpoint, "tcp://127.0.0.1:5570");
  EXPECT_EQ(options.control_endpoint, "tcp://127.0.0.1:5572");
  EXPECT_FALSE(options.idle_timeout.has_value());
  EXPECT_EQ(options.poll_interval, std::chrono::milliseconds(5));
  EXPECT_FALSE(options.from_now);
  EXPECT_TRUE(options.acknowledge);
}

TEST(FollowOptions, AFolderWithAGlobAndEveryWayToEnd) {
  const FollowOptions options =
      parse({"--folder", "/data/t1", "--glob", "frame_*.tif", "--to", "tcp://rig-pc:6000", "--idle-timeout", "2.5",
             "--stop-file", "done", "--poll-ms", "20", "--from-now"});
  EXPECT_EQ(options.folder, "/data/t1");
  EXPECT_EQ(options.glob, "frame_*.tif");
  EXPECT_TRUE(options.file.empty());
  EXPECT_EQ(options.control_endpoint, "tcp://rig-pc:5572");  // beside --to, as calmon-replay has it
  EXPECT_EQ(options.idle_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(options.stop_file, "done");
  EXPECT_EQ(options.poll_interval, std::chrono::milliseconds(20));
  EXPECT_TRUE(options.from_now);
}

TEST(FollowOptions, MistakesOnTheCommandLineAreUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{{},
                                                                {"a.tif", "b.tif"},
                                                                {"a.tif", "--folder", "dir"},
                                                                {"a.tif", "--glob", "*.tif"},
                                                                {"a.tif", "--control", "tcp://x:1", "--no-ack"},
                                                                {"a.tif", "--poll-ms", "fast"},
                                                                {"a.tif", "--idle-timeout", "soon"},
                                                                {"a.tif", "--server-key", "k"},
                                                                {"a.tif", "--unknown"}}) {
    EXPECT_THROW(parse(args), replay::UsageError) << (args.empty() ? "(nothing)" : args.back());
  }
}

TEST(FollowOptions, ValuesThatMakeNoSenseAreOneLineErrors) {
  const auto message = [](const std::vector<std::string>& args) {
    try {
      parse(args);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(message({"a.tif", "--poll-ms", "0"}), "--poll-ms must be 1 to 10000 milliseconds, got 0");
  EXPECT_EQ(message({"a.tif", "--idle-timeout", "0"}),
            "--idle-timeout must be a number of seconds above 0 and at most 1000000, got 0");
  EXPECT_EQ(message({"a.tif", "--timeout", "-1"}),
            "--timeout must be a number of seconds above 0 and at most 1000000, got -1");
  EXPECT_EQ(message({"a.tif", "--channel", "-1"}), "--channel must be 0 or more, got -1");
  EXPECT_EQ(message({"a.tif", "--plane", "-2"}), "--plane must be 0 or more, got -2");
  EXPECT_EQ(message({"a.tif", "--plane", "1", "--slice", "1"}), "--slice and --plane are the same; give one");
  EXPECT_EQ(message({"--folder", "d", "--glob", "*.tif", "--plane", "1"}),
            "--plane picks among PrairieView's files; the files --glob matches are one channel of one plane");
  EXPECT_EQ(message({"--folder", "d", "--glob", "*.tif", "--channel", "1"}),
            "--channel picks among PrairieView's files; the files --glob matches are one channel of one plane");
}

TEST(FollowOptions, ChannelAndPlaneAsCalmonReplays) {
  EXPECT_EQ(parse({"a.tif"}).channel, 0);
  EXPECT_EQ(parse({"a.tif"}).plane, 0);
  const FollowOptions options = parse({"a.tif", "--channel", "1", "--plane", "2"});
  EXPECT_EQ(options.channel, 1);
  EXPECT_EQ(options.plane, 2);
  EXPECT_EQ(parse({"a.tif", "--slice", "3"}).plane, 3);
  EXPECT_EQ(parse({"--folder", "d", "--channel", "1"}).channel, 1);
  EXPECT_EQ(parse({"--folder", "d", "--plane", "2"}).plane, 2);
}

}  // namespace
}  // namespace calmon::follow
