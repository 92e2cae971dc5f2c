// frame_selection_test.cc — --first and --last are inclusive 0-based indices, negative
// from the end (numpy's data[F:L+1]); anything outside the movie is an error naming it.
#include "replay/frame_selection.h"

#include <gtest/gtest.h>

#include <string>

namespace calmon::replay {
namespace {

std::string error_of(std::int64_t first, std::int64_t last, std::int64_t frames) {
  try {
    select_frames(first, last, frames, "movie.tif");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(FrameSelection, TheDefaultsSelectTheWholeMovie) {
  EXPECT_EQ(select_frames(0, -1, 500, "movie.tif"), (FrameSelection{0, 500}));
}

TEST(FrameSelection, LastIsInclusive) {
  const FrameSelection selection = select_frames(10, 19, 500, "movie.tif");
  EXPECT_EQ(selection, (FrameSelection{10, 20}));
  EXPECT_EQ(selection.count(), 10);
  EXPECT_EQ(select_frames(7, 7, 500, "movie.tif").count(), 1);
}

TEST(FrameSelection, NegativeIndicesCountFromTheEnd) {
  EXPECT_EQ(select_frames(-100, -1, 500, "movie.tif"), (FrameSelection{400, 500}));
  EXPECT_EQ(select_frames(-1, -1, 500, "movie.tif"), (FrameSelection{499, 500}));
  EXPECT_EQ(select_frames(-500, 9, 500, "movie.tif"), (FrameSelection{0, 10}));
}

TEST(FrameSelection, AFirstFrameBeyondTheMovieIsAnErrorNamingIt) {
  const std::string message = error_of(500, -1, 500);
  EXPECT_EQ(message.rfind("movie.tif: --first 500 is outside the movie's 500 frames", 0), 0u) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_NE(error_of(-501, -1, 500).find("--first -501"), std::string::npos);
}

TEST(FrameSelection, ALastFrameBeyondTheMovieIsAnErrorNotAShorterReplay) {
  EXPECT_NE(error_of(0, 500, 500).find("--last 500 is outside the movie's 500 frames"), std::string::npos);
  EXPECT_NE(error_of(0, -501, 500).find("--last -501"), std::string::npos);
}

TEST(FrameSelection, ALastBeforeTheFirstSelectsNothingAndIsAnError) {
  EXPECT_NE(error_of(20, 10, 500).find("select no frames"), std::string::npos);
  EXPECT_NE(error_of(-1, -2, 500).find("select no frames"), std::string::npos);
}

}  // namespace
}  // namespace calmon::replay
