// frame_selection.h — which time points of the movie a replay sends: --first and --last.
//
// Both are 0-based frame indices like numpy's data[t], both inclusive: --first 10
// --last 19 sends ten frames, numpy's data[10:20]. Negative indices count from the end
// like data[-1], so the default --first 0 --last -1 is the whole movie and --first -100
// its last hundred frames. An index outside the movie, or a --last before --first, is an
// error rather than a silently shorter replay.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"

namespace calmon::replay {

// The half-open range [begin, end) of movie frames to send.
struct FrameSelection {
  std::int64_t begin = 0;
  std::int64_t end = 0;

  std::int64_t count() const { return end - begin; }
  bool operator==(const FrameSelection&) const = default;
};

// Resolves --first/--last against a movie of `frames` time points; throws calmon::Error
// with a one-line message starting "<movie>: " when they do not fit.
inline FrameSelection select_frames(std::int64_t first, std::int64_t last, std::int64_t frames,
                                    const std::string& movie) {
  const auto resolve = [&](const char* flag, std::int64_t index) {
    const std::int64_t resolved = index < 0 ? index + frames : index;
    if (resolved < 0 || resolved >= frames) {
      throw Error(movie + ": " + flag + " " + std::to_string(index) + " is outside the movie's " +
                  std::to_string(frames) + " frames (0.." + std::to_string(frames - 1) + ", or -" +
                  std::to_string(frames) + "..-1 from the end)");
    }
    return resolved;
  };
  if (frames <= 0) throw Error(movie + ": the movie has no frames");
  const std::int64_t begin = resolve("--first", first);
  const std::int64_t end = resolve("--last", last) + 1;
  if (end <= begin) {
    throw Error(movie + ": --first " + std::to_string(first) + " --last " + std::to_string(last) +
                " select no frames (--last is inclusive and must not come before --first)");
  }
  return {begin, end};
}

}  // namespace calmon::replay
