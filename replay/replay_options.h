// replay_options.h — calmon-replay's command line, parsed and checked.
//
// Two kinds of mistakes, two exit codes: a command line that cannot be parsed (unknown
// option, missing or non-numeric value, --rate with --fast, no movie; any bad
// --max-frame-mib, as calmond has it) is a UsageError — the program prints it with the
// usage and exits 2; a well-formed value that makes no sense (--rate 0, --loop 0,
// --timeout -1) is a calmon::Error — one line, exit 1, like every other bad input.
// Values checked against the movie (--first, --channel, ...) are checked where the
// movie is opened.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/frame_size_limit.h"

namespace calmon::replay {

extern const char* const kReplayUsage;

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

enum class ProgressMode { kAuto, kAlways, kNever };

struct ReplayOptions {
  std::string movie;
  std::string endpoint = "tcp://127.0.0.1:5570";
  std::string control_endpoint = "tcp://127.0.0.1:5572";  // asked whether the end of stream arrived
  bool acknowledge = true;                                // false: --no-ack
  std::optional<double> rate_hz = 30.0;                   // nullopt: --fast
  std::optional<std::int64_t> loops = 1;                  // nullopt: --loop-forever
  std::int64_t first = 0;                                 // inclusive, negative from the end
  std::int64_t last = -1;                                 // inclusive, negative from the end
  int channel = 0;
  int slice = 0;
  std::size_t max_frame_bytes = kDefaultMaxFrameBytes;  // a movie with larger frames is refused
  std::uint64_t start_sequence = 0;
  std::optional<std::uint64_t> stream_id;  // nullopt: a random one; 0: none
  bool end_of_stream = true;
  ProgressMode progress = ProgressMode::kAuto;
  std::chrono::milliseconds timeout{10'000};
  // CURVE (both or neither): calmond's public key file and this client's secret key file.
  std::string server_key_file;
  std::string client_key_file;
  bool help = false;  // --help: print kReplayUsage, nothing else is checked
};

// Throws UsageError or calmon::Error as described above.
ReplayOptions parse_replay_options(int argc, const char* const argv[]);

// Pieces calmon-follow's command line shares with calmon-replay's:
// calmond's control socket at its default port on the host of `ingest`
// ("tcp://rig-pc:5570" -> "tcp://rig-pc:5572"); for other transports, the local default.
std::string control_endpoint_beside(const std::string& ingest);
// `text` as seconds for `flag`, above 0 and at most 1e6 (calmon::Error otherwise; UsageError
// if it is not a number), rounded up to whole milliseconds.
std::chrono::milliseconds parse_seconds(const char* flag, const std::string& text);
// `text` as auto, always or never (UsageError otherwise).
ProgressMode parse_progress_mode(const std::string& text);
// A non-negative integer below 2^64 (UsageError otherwise).
std::uint64_t parse_uint64_option(const char* flag, const std::string& text);

}  // namespace calmon::replay
