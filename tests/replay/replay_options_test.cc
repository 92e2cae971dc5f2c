// replay_options_test.cc — every option reaches ReplayOptions; a command line that
// cannot be parsed is a UsageError (exit 2), a parsed value that makes no sense a
// calmon::Error (exit 1).
#include "replay/replay_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace calmon::replay {
namespace {

ReplayOptions parse(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "calmon-replay");
  std::vector<const char*> argv;
  for (const std::string& argument : arguments) argv.push_back(argument.c_str());
  return parse_replay_options(static_cast<int>(argv.size()), argv.data());
}

TEST(ReplayOptions, TheDefaultsReplayOnceAt30HzToTheLocalDaemonWithEndOfStream) {
  const ReplayOptions options = parse({"movie.tif"});
  EXPECT_EQ(options.movie, "movie.tif");
  EXPECT_EQ(options.endpoint, "tcp://127.0.0.1:5570");
  EXPECT_EQ(options.rate_hz, 30.0);
  EXPECT_EQ(options.loops, 1);
  EXPECT_EQ(options.first, 0);
  EXPECT_EQ(options.last, -1);
  EXPECT_EQ(options.channel, 0);
  EXPECT_EQ(options.slice, 0);
  EXPECT_EQ(options.max_frame_bytes, 64u << 20);  // as calmond's --max-frame-mib
  EXPECT_EQ(options.start_sequence, 0u);
  EXPECT_TRUE(options.end_of_stream);
  EXPECT_EQ(options.control_endpoint, "tcp://127.0.0.1:5572");
  EXPECT_TRUE(options.acknowledge);
  EXPECT_EQ(options.stream_id, std::nullopt);  // a random one
  EXPECT_EQ(options.progress, ProgressMode::kAuto);
  EXPECT_EQ(options.timeout, std::chrono::seconds(10));
  EXPECT_FALSE(options.help);
}

TEST(ReplayOptions, EveryOptionIsParsed) {
  // A list of 20 or more items, which clang-format would put one per line.
  // clang-format off
  const ReplayOptions options =
      parse({"--to", "tcp://10.0.0.2:6000", "--rate", "29.97", "--loop", "3", "--first", "-100", "--last", "-2",
             "--channel", "1", "--slice", "4", "--start-sequence", "18446744073709551615", "--no-eos", "--progress",
             "never", "--timeout", "0.25", "--control", "ipc:///tmp/control", "--stream-id", "42",
             "--max-frame-mib", "0.5", "movie.tif"});
  // clang-format on
  EXPECT_EQ(options.endpoint, "tcp://10.0.0.2:6000");
  EXPECT_EQ(options.rate_hz, 29.97);
  EXPECT_EQ(options.loops, 3);
  EXPECT_EQ(options.first, -100);
  EXPECT_EQ(options.last, -2);
  EXPECT_EQ(options.channel, 1);
  EXPECT_EQ(options.slice, 4);
  EXPECT_EQ(options.start_sequence, 18446744073709551615u);
  EXPECT_FALSE(options.end_of_stream);
  EXPECT_EQ(options.progress, ProgressMode::kNever);
  EXPECT_EQ(options.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(options.control_endpoint, "ipc:///tmp/control");
  EXPECT_EQ(options.stream_id, 42u);
  EXPECT_EQ(options.max_frame_bytes, 512u << 10);
  EXPECT_TRUE(options.acknowledge);
  EXPECT_FALSE(parse({"movie.tif", "--no-ack"}).acknowledge);
  EXPECT_EQ(parse({"movie.tif", "--plane", "2"}).slice, 2);  // calmond's word for a slice
}

TEST(ReplayOptions, TheControlSocketIsLookedForOnTheHostFramesGoTo) {
  EXPECT_EQ(parse({"movie.tif", "--to", "tcp://rig-pc:6000"}).control_endpoint, "tcp://rig-pc:5572");
  EXPECT_EQ(parse({"movie.tif", "--to", "tcp://[fe80::1]:5570"}).control_endpoint, "tcp://[fe80::1]:5572");
  EXPECT_EQ(parse({"movie.tif", "--to", "ipc:///tmp/ingest"}).control_endpoint, "tcp://127.0.0.1:5572");
  EXPECT_EQ(parse({"movie.tif", "--to", "tcp://rig-pc:6000", "--control", "tcp://other:7"}).control_endpoint,
            "tcp://other:7");
}

TEST(ReplayOptions, FastAndLoopForeverHaveNoRateAndNoLoopCount) {
  const ReplayOptions options = parse({"movie.tif", "--fast", "--loop-forever", "--progress", "always"});
  EXPECT_FALSE(options.rate_hz.has_value());
  EXPECT_FALSE(options.loops.has_value());
  EXPECT_EQ(options.progress, ProgressMode::kAlways);
}

TEST(ReplayOptions, HelpNeedsNothingElse) {
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"-h"}).help);
}

TEST(ReplayOptions, RatesFromAFrameIn1000SecondsUpAreAccepted) {
  EXPECT_EQ(parse({"m.tif", "--rate", "0.001"}).rate_hz, 0.001);
  EXPECT_EQ(parse({"m.tif", "--rate", "1e6"}).rate_hz, 1e6);
}

TEST(ReplayOptions, ATimeoutIsRoundedUpToWholeMilliseconds) {
  EXPECT_EQ(parse({"m.tif", "--timeout", "0.0001"}).timeout, std::chrono::milliseconds(1));
  EXPECT_EQ(parse({"m.tif", "--timeout", "2"}).timeout, std::chrono::milliseconds(2000));
}

TEST(ReplayOptions, ACommandLineThatCannotBeParsedIsAUsageError) {
  const std::vector<std::vector<std::string>> mistakes = {
      {},                           // no movie
      {"a.tif", "b.tif"},           // two movies
      {"m.tif", "--speed", "3"},    // unknown option
      {"m.tif", "--rate"},          // missing value
      {"m.tif", "--rate", "fast"},  // not a number
      {"m.tif", "--rate", "30Hz"},
      {"m.tif", "--rate", "30", "--fast"},         // exclusive
      {"m.tif", "--loop", "2", "--loop-forever"},  // exclusive
      {"m.tif", "--loop", "two"},
      {"m.tif", "--first", "1.5"},
      {"m.tif", "--start-sequence", "-1"},
      {"m.tif", "--start-sequence", "18446744073709551616"},
      {"m.tif", "--progress", "sometimes"},
      {"m.tif", "--loop-fo"},  // no guessing of abbreviations
      {"m.tif", "--control", "tcp://x:1", "--no-ack"},
      {"m.tif", "--stream-id", "-1"},
      {"m.tif", "--max-frame-mib", "0"},  // as calmond: every bad value is a usage error
      {"m.tif", "--max-frame-mib", "big"},
      {"m.tif", "--max-frame-mib", "2e6"},  // more than 1 TiB
  };
  for (const auto& arguments : mistakes) {
    EXPECT_THROW(parse(arguments), UsageError) << ::testing::PrintToString(arguments);
  }
  try {
    parse({"m.tif", "--max-frame-mib", "0"});
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--max-frame-mib expects a number > 0, got '0'");
  }
}

TEST(ReplayOptions, AValueThatMakesNoSenseIsAnError) {
  const std::vector<std::vector<std::string>> mistakes = {
      {"m.tif", "--rate", "0"},
      {"m.tif", "--rate", "-30"},
      {"m.tif", "--rate", "nan"},
      {"m.tif", "--rate", "inf"},
      {"m.tif", "--loop", "0"},
      {"m.tif", "--loop", "-1"},
      {"m.tif", "--timeout", "0"},
      {"m.tif", "--timeout", "-1"},
      {"m.tif", "--channel", "-1"},
      {"m.tif", "--slice", "-2"},
      {"m.tif", "--rate", "1e-300"},
      {"m.tif", "--plane", "-1"},
      {"m.tif", "--slice", "1", "--plane", "1"},
  };
  for (const auto& arguments : mistakes) {
    EXPECT_THROW(parse(arguments), Error) << ::testing::PrintToString(arguments);
  }
  try {
    parse({"m.tif", "--rate", "0"});
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--rate must be a number of frames per second of at least 0.001, got 0");
  }
}

TEST(ReplayOptions, RoutesReplaceToPlaneAndControl) {
  const ReplayOptions options = parse({"stack.tif", "--route", "0=tcp://a:5570", "--route", "1=tcp://b:5570"});
  ASSERT_EQ(options.routes.size(), 2u);
  EXPECT_EQ(options.routes[1].endpoint, "tcp://b:5570");
  EXPECT_TRUE(parse({"movie.tif"}).routes.empty());
  for (const char* flag : {"--to", "--plane", "--slice", "--control", "--stream-id"}) {
    const std::string value =
        std::string(flag) == "--plane" || std::string(flag) == "--slice" || std::string(flag) == "--stream-id"
            ? "1"
            : "tcp://c:1";
    try {
      parse({"stack.tif", "--route", "0=tcp://a:5570", flag, value});
      FAIL() << flag;
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string("--route and ") + flag + " exclude each other: each route names its plane and its calmond");
    }
  }
  EXPECT_THROW(parse({"stack.tif", "--route", "nonsense"}), Error);
}

}  // namespace
}  // namespace calmon::replay
