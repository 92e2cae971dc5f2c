// record_options_test.cc — calmon-record's command line: OUT_DIR with its defaults, each
// option read, --repair DIR alone, and each mistake one line naming it, then the usage,
// exit 2.
#include "record/record_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace calmon::record_tool {
namespace {

RecordOptions parse(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "calmon-record");
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  return parse_record_options(static_cast<int>(argv.size()), argv.data());
}

void expect_usage_error(const std::vector<std::string>& arguments, const std::string& message) {
  EXPECT_EXIT(parse(arguments), ::testing::ExitedWithCode(2), "^calmon-record: " + message + "\nusage: calmon-record")
      << ::testing::PrintToString(arguments);
}

TEST(RecordOptions, OutDirAloneTakesTheDefaults) {
  const RecordOptions options = parse({"rec"});
  EXPECT_EQ(options.recording.out_dir, "rec");
  EXPECT_EQ(options.recording.source, "tcp://127.0.0.1:5571");
  EXPECT_EQ(options.subscriber.endpoint, "tcp://127.0.0.1:5571");
  EXPECT_FALSE(options.recording.until_signal);
  EXPECT_EQ(options.recording.frame_limit, std::nullopt);
  EXPECT_EQ(options.recording.flush_interval, std::chrono::milliseconds(500));
  EXPECT_FALSE(options.quiet);
  EXPECT_EQ(options.repair, std::nullopt);
}

TEST(RecordOptions, EveryOptionIsRead) {
  const RecordOptions options =
      parse({"--from", "tcp://10.0.0.2:7000", "rec", "--until", "signal", "--frames", "12", "--flush-interval", "0.25",
             "--quiet", "--server-key", "d.key", "--client-key", "me.key_secret"});
  EXPECT_EQ(options.recording.source, "tcp://10.0.0.2:7000");
  EXPECT_TRUE(options.recording.until_signal);
  EXPECT_EQ(options.recording.frame_limit, 12);
  EXPECT_EQ(options.recording.flush_interval, std::chrono::milliseconds(250));
  EXPECT_TRUE(options.quiet);
  EXPECT_EQ(options.subscriber.server_key_file, "d.key");
  EXPECT_EQ(options.subscriber.client_key_file, "me.key_secret");
}

TEST(RecordOptions, RepairTakesTheFolderAlone) {
  EXPECT_EQ(parse({"--repair", "rec"}).repair, "rec");
  expect_usage_error({"--repair", "rec", "other"}, "--repair takes the recording's folder; no OUT_DIR besides it");
}

TEST(RecordOptions, EachMistakeIsNamed) {
  expect_usage_error({}, "no output folder given");
  expect_usage_error({"rec", "--until", "never"}, "--until expects eos or signal, got 'never'");
  expect_usage_error({"rec", "--frames", "0"}, "--frames expects a positive number, got 0");
  expect_usage_error({"rec", "--flush-interval", "0.001"},
                     "--flush-interval expects seconds from 0.01 to 3600, got .*");
  expect_usage_error({"rec", "--client-key", "me.key_secret"}, "--server-key and --client-key go together.*");
  expect_usage_error({"rec", "--frmes", "3"}, "unrecognised option '--frmes'");
}

}  // namespace
}  // namespace calmon::record_tool
