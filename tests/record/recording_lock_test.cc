// recording_lock_test.cc — one calmon-record per folder: a second lock on a locked folder
// is refused saying a recorder is writing it, the lock goes with its holder, and a
// folder that cannot be opened is named in the error.
#include "record/recording_lock.h"

#include <gtest/gtest.h>

#include <optional>

#include "core/error.h"
#include "test_support.h"

namespace calmon::record_tool {
namespace {

TEST(RecordingLock, ASecondLockOnTheSameFolderIsRefused) {
  const std::string folder = calmon::test::temp_dir("record_lock").string();
  std::optional<RecordingLock> first(std::in_place, folder);
  try {
    RecordingLock second(folder);
    FAIL() << "the second lock was granted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), folder + ": a running calmon-record is writing it");
  }
  first.reset();
  EXPECT_NO_THROW(RecordingLock again(folder));  // released with its holder
}

TEST(RecordingLock, AFolderThatCannotBeOpenedIsNamed) {
  const std::string missing = calmon::test::temp_path("record_lock", "missing");
  try {
    RecordingLock lock(missing);
    FAIL() << "locked a folder that does not exist";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), missing + ": cannot open: No such file or directory");
  }
}

}  // namespace
}  // namespace calmon::record_tool
