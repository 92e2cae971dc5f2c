// roi_columns_test.cc — which columns calmon-sub shows: every ROI by index until the
// names are known, then by name; chosen names in the order asked; a name the first set
// lacks is an error listing the names it has; a later set lacking one is said once.
#include "sub/roi_columns.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "sub_messages.h"

namespace calmon::sub_tool {
namespace {

using test::roi_set;

std::vector<std::string> labels(const std::vector<Column>& columns) {
  std::vector<std::string> result;
  for (const Column& column : columns) result.push_back(column.label + "@" + std::to_string(column.index));
  return result;
}

TEST(RoiColumns, WithoutNamesEveryRoiIsShownByIndex) {
  RoiColumns columns({});
  EXPECT_EQ(labels(columns.columns(1, 3)), (std::vector<std::string>{"#0@0", "#1@1", "#2@2"}));
  EXPECT_FALSE(columns.names_known(1));
}

TEST(RoiColumns, OnceTheSetArrivesEveryRoiIsShownByName) {
  RoiColumns columns({});
  EXPECT_TRUE(columns.on_roi_set(roi_set(1, {"cell1", "cell2"})).empty());
  EXPECT_TRUE(columns.names_known(1));
  EXPECT_EQ(labels(columns.columns(1, 2)), (std::vector<std::string>{"cell1@0", "cell2@1"}));
  // Another version, or arrays of another length, are not this set's: by index again.
  EXPECT_EQ(labels(columns.columns(2, 1)), (std::vector<std::string>{"#0@0"}));
  EXPECT_EQ(labels(columns.columns(1, 3)), (std::vector<std::string>{"#0@0", "#1@1", "#2@2"}));
}

TEST(RoiColumns, ChosenNamesComeInTheOrderAskedAndNothingBeforeTheNamesAreKnown) {
  RoiColumns columns({"c", "a"});
  EXPECT_TRUE(columns.columns(1, 3).empty());
  columns.on_roi_set(roi_set(1, {"a", "b", "c"}));
  EXPECT_EQ(labels(columns.columns(1, 3)), (std::vector<std::string>{"c@2", "a@0"}));
}

TEST(RoiColumns, ANameTheFirstSetLacksIsAnErrorListingItsNames) {
  const RoiColumns columns({"a", "zz"});
  try {
    columns.check_names(roi_set(1, {"a", "b"}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "no ROI named 'zz'; the ROI set has a, b");
  }
  EXPECT_THROW(columns.check_names(roi_set(1, {})), Error);
  EXPECT_NO_THROW(columns.check_names(roi_set(1, {"zz", "a"})));
}

TEST(RoiColumns, ALaterSetLackingAChosenNameIsSaidOnceAndTheColumnLeftOut) {
  RoiColumns columns({"a", "c"});
  columns.on_roi_set(roi_set(1, {"a", "c"}));
  EXPECT_EQ(columns.on_roi_set(roi_set(2, {"a", "b"})),
            (std::vector<std::string>{"ROI set 2 has no ROI named 'c'; it has a, b"}));
  EXPECT_TRUE(columns.on_roi_set(roi_set(2, {"a", "b"})).empty());  // said once
  EXPECT_EQ(labels(columns.columns(2, 2)), (std::vector<std::string>{"a@0"}));
  EXPECT_EQ(columns.on_roi_set(roi_set(3, {})),
            (std::vector<std::string>{"ROI set 3 has no ROI named 'a'; it has no ROIs",
                                      "ROI set 3 has no ROI named 'c'; it has no ROIs"}));
}

}  // namespace
}  // namespace calmon::sub_tool
