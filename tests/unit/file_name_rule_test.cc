// file_name_rule_test.cc — the rule for names that become file names, and their quoting
// in messages.
#include "io/file_name_rule.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace calmon::io {
namespace {

using namespace std::string_view_literals;

TEST(FileNameRule, AcceptsPlainNamesOfUpToAHundredCharacters) {
  for (const std::string& name :
       {std::string("all"), std::string("frames_100_500"), std::string("last_50_crop_x0-10_y23-40"),
        std::string("Cell.1"), std::string("x"), std::string(100, 'a')}) {
    EXPECT_TRUE(is_valid_file_name(name)) << name;
  }
}

TEST(FileNameRule, RefusesWhatLeavesTheFolderHidesIsCutShortOrIsEmpty) {
  for (const std::string_view name :
       {"../ESCAPED"sv, "/etc/passwd"sv, "a/b"sv, "a\\b"sv, ".hidden"sv, ".."sv, "cut\0short"sv, ""sv, "a b"sv,
        "tab\t"sv, "new\nline"sv, "caf\xc3\xa9"sv, "star*"sv, "colon:"sv}) {
    EXPECT_FALSE(is_valid_file_name(name)) << quoted_name(name);
  }
  EXPECT_FALSE(is_valid_file_name(std::string(101, 'a')));
}

TEST(FileNameRule, QuotesANameOnOneLineWithUnprintableBytesEscaped) {
  EXPECT_EQ(quoted_name("../ESCAPED"), "\"../ESCAPED\"");
  EXPECT_EQ(quoted_name("cut\0short\n\"q\"\\"sv), "\"cut\\x00short\\x0a\\x22q\\x22\\x5c\"");
  EXPECT_EQ(quoted_name(std::string(70, 'z')), "\"" + std::string(60, 'z') + "...\"");
}

}  // namespace
}  // namespace calmon::io
