// plane_list_test.cc — calmon-record's --planes: lists and ranges, in the order given;
// mistakes named in one line; the folder of each plane.
#include "record/plane_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace calmon::record_tool {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_plane_list(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(PlaneList, ListsAndRanges) {
  EXPECT_EQ(parse_plane_list("0"), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(parse_plane_list("0-2"), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(parse_plane_list("5,0-1,9"), (std::vector<std::uint32_t>{5, 0, 1, 9}));
  EXPECT_EQ(parse_plane_list("0-29").size(), 30u);
  EXPECT_EQ(plane_folder_name(12), "plane_12");
}

TEST(PlaneList, MistakesAreNamed) {
  EXPECT_EQ(error_of(""), "--planes expects plane numbers and ranges such as 0-29 or 0,2,5, got ''");
  EXPECT_EQ(error_of("1,,2"), "--planes expects plane numbers and ranges such as 0-29 or 0,2,5, got '1,,2'");
  EXPECT_EQ(error_of("a"), "--planes expects plane numbers and ranges such as 0-29 or 0,2,5, got 'a'");
  EXPECT_EQ(error_of("-1"), "--planes expects plane numbers and ranges such as 0-29 or 0,2,5, got '-1'");
  EXPECT_EQ(error_of("3-1"), "--planes: the range '3-1' goes backwards");
  EXPECT_EQ(error_of("0-2,1"), "--planes names plane 1 twice");
}

}  // namespace
}  // namespace calmon::record_tool
