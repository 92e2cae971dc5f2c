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

#include "core/frame_size_limit.h"
#include "replay/replay_options.h"

namespace calmon::follow {

extern const char* const kFollowUsage;

struct FollowOptions {
  std::string file;    // file mode: the (first) file of the series
  std::string folder;  // folder mode (--folder); not built yet
  std::string glob;    // --glob PAT in folder mode
  std::string endpoint = "tcp://127.0.0.1:5570";
  std::string control_endpoint = "tcp://127.0.0.1:5572";
  bool acknowledge = true;
  bool end_of_stream = true;
  bool from_now = false;
  std::optional<std::chrono::milliseconds> idle_timeout;  // nullopt: follow until stopped
  std::string stop_file;                                  // empty: none
  std::chrono::microseconds poll_interval{5'000};
  std::size_t max_frame_bytes = kDefaultMaxFrameBytes;
  std::uint64_t start_sequence = 0;
  std::optional<std::uint64_t> stream_id;
  replay::ProgressMode progress = replay::ProgressMode::kAuto;
  std::chrono::milliseconds timeout{10'000};
  std::string server_key_file;
  std::string client_key_file;
  bool help = false;
};

FollowOptions parse_follow_options(int argc, const char* const argv[]);

}  // namespace calmon::follow
