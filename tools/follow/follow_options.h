// follow_options.h — calmon-follow's command line, parsed and checked.
//
// As calmon-replay's (replay/replay_options.h): a command line that cannot be parsed is a
// replay::UsageError (usage, exit 2), a well-formed value that makes no sense a
// calmon::Error (one line, exit 1). The endpoint, control, key, timeout and progress
// options are calmon-replay's, spelled and checked the same way.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "replay/replay_options.h"

namespace calmon::follow {

extern const char* const kFollowUsage;

struct FollowOptions : replay::StreamOptions {
  std::string file;    // file mode: the (first) file of the series
  std::string folder;  // folder mode (--folder)
  std::string glob;    // --glob PAT in folder mode
  bool from_now = false;
  int channel = 0;  // --channel C: index into the channels saved (ScanImage, PrairieView), as calmon-replay's
  int plane = 0;    // --plane Z (--slice Z): ScanImage's plane, from 0
  std::optional<std::chrono::milliseconds> idle_timeout;  // nullopt: follow until stopped
  std::string stop_file;                                  // empty: none
  std::chrono::microseconds poll_interval{5'000};
  bool help = false;
};

FollowOptions parse_follow_options(int argc, const char* const argv[]);

}  // namespace calmon::follow
