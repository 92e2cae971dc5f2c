// subscriber_options_test.cc — the options calmon-sub and calmon-record share: --from
// with its default, the two CURVE key files both or neither (else the program's name,
// the reason and the usage, exit 2), and --help (usage and options, exit 0); and how
// CommandLine::run turns what a program's work throws into one line and an exit status.
#include "cli/subscriber_options.h"

#include <gtest/gtest.h>
#include <zmq.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"

namespace calmon::cli {
namespace {

namespace po = boost::program_options;

const CommandLine kCommandLine("calmon-test", "usage: calmon-test [--from ENDPOINT]\n");

SubscriberOptions parse(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "calmon-test");
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  const po::options_description named = subscriber_options_description();
  const po::variables_map values = kCommandLine.parse(static_cast<int>(argv.size()), argv.data(), named);
  return read_subscriber_options(values, kCommandLine);
}

TEST(SubscriberOptions, FromDefaultsToTheLocalPublishSocketWithoutCurve) {
  const SubscriberOptions options = parse({});
  EXPECT_EQ(options.endpoint, "tcp://127.0.0.1:5571");
  EXPECT_EQ(options.server_key_file, "");
  EXPECT_EQ(options.load_curve_keys(), std::nullopt);
  EXPECT_EQ(parse({"--from", "tcp://10.0.0.2:6000"}).endpoint, "tcp://10.0.0.2:6000");
}

TEST(SubscriberOptions, BothKeyFilesAreRead) {
  const SubscriberOptions options = parse({"--server-key", "calmond.key", "--client-key", "me.key_secret"});
  EXPECT_EQ(options.server_key_file, "calmond.key");
  EXPECT_EQ(options.client_key_file, "me.key_secret");
}

TEST(SubscriberOptions, OneKeyFileWithoutTheOtherIsAUsageError) {
  EXPECT_EXIT(parse({"--server-key", "calmond.key"}), ::testing::ExitedWithCode(2),
              "^calmon-test: --server-key .*--client-key.*\nusage: calmon-test \\[--from ENDPOINT\\]\n");
  EXPECT_EXIT(parse({"--client-key", "me.key_secret"}), ::testing::ExitedWithCode(2), "^calmon-test: ");
}

TEST(CommandLine, WhatBoostCannotReadIsAUsageErrorNamingTheProgram) {
  EXPECT_EXIT(parse({"--frm", "x"}), ::testing::ExitedWithCode(2), "^calmon-test: unrecognised option '--frm'\nusage:");
  EXPECT_EXIT(parse({"--from"}), ::testing::ExitedWithCode(2), "^calmon-test: .*--from.*\nusage:");
}

TEST(CommandLine, HelpSucceedsWithNothingOnStderr) {
  EXPECT_EXIT(parse({"--help"}), ::testing::ExitedWithCode(0), "^$");  // and nothing on stderr
}

TEST(CommandLine, RunSaysWhatTheWorkThrewInOneLineAndPicksTheExitStatus) {
  EXPECT_EQ(kCommandLine.run([] { return 0; }), 0);
  EXPECT_EQ(kCommandLine.run([] { return 3; }), 3);
  const auto failing = [](auto thrown) { return [thrown]() -> int { throw thrown; }; };
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(kCommandLine.run(failing(Error("no ROI named 'x'")), 2), 2);
  EXPECT_EQ(kCommandLine.run(failing(zmq::error_t())), 1);
  EXPECT_EQ(kCommandLine.run(failing(std::runtime_error("disk full")), 2), 1);
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(said.substr(0, said.find('\n') + 1), "calmon-test: no ROI named 'x'\n");
  EXPECT_NE(said.find("\ncalmon-test: ZeroMQ: "), std::string::npos) << said;
  EXPECT_TRUE(said.ends_with("\ncalmon-test: disk full\n")) << said;
}

}  // namespace
}  // namespace calmon::cli
