// synth_cli_test.cc — calmon-synth run as a user runs it: what it prints names the files
// it wrote, exactly as a shell would reach them.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "test_support.h"

namespace calmon {
namespace {

namespace fs = std::filesystem;

TEST(SynthCli, AFolderGivenWithATrailingSlashIsNamedWithoutADoubleOne) {
  const fs::path dir = test::temp_dir("synth_cli_test");
  const std::string out = (dir / "stdout.txt").string();
  const std::string command = std::string(CALMON_SYNTH) + " " + (dir / "demo").string() +
                              "/ --frames 3 --width 8 --height 6 >" + out + " 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << test::read_file(out);
  const std::string printed = test::read_file(out);
  EXPECT_NE(printed.find("wrote " + (dir / "demo" / "movie.tif").string() + " (3 frames of 8x6"), std::string::npos)
      << printed;
  EXPECT_EQ(printed.find("//"), std::string::npos) << printed;
  EXPECT_TRUE(fs::exists(dir / "demo" / "movie.tif"));
  EXPECT_TRUE(fs::exists(dir / "demo" / "truth" / "cells.json"));
}

}  // namespace
}  // namespace calmon
