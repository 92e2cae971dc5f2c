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
#include <vector>

#include "core/frame_size_limit.h"
#include "replay/plane_route.h"

namespace boost::program_options {
class options_description;
class variables_map;
}  // namespace boost::program_options

namespace calmon::replay {

extern const char* const kReplayUsage;

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

enum class ProgressMode { kAuto, kAlways, kNever };

// Where the frames go and how they are sent: what calmon-replay and calmon-follow share
// (--to, --control/--no-ack, --max-frame-mib, --start-sequence, --stream-id, --no-eos,
// --progress, --timeout, --server-key/--client-key).
struct StreamOptions {
  std::string endpoint = "tcp://127.0.0.1:5570";
  std::string control_endpoint = "tcp://127.0.0.1:5572";  // asked whether the end of stream arrived
  bool acknowledge = true;                                // false: --no-ack
  std::size_t max_frame_bytes = kDefaultMaxFrameBytes;    // a movie with larger frames is refused
  std::uint64_t start_sequence = 0;
  std::optional<std::uint64_t> stream_id;  // nullopt: a random one; 0: none
  bool end_of_stream = true;
  ProgressMode progress = ProgressMode::kAuto;
  std::chrono::milliseconds timeout{10'000};
  // CURVE (both or neither): calmond's public key file and this client's secret key file.
  std::string server_key_file;
  std::string client_key_file;
};

struct ReplayOptions : StreamOptions {
  std::string movie;
  std::optional<double> rate_hz = 30.0;   // nullopt: --fast
  std::optional<std::int64_t> loops = 1;  // nullopt: --loop-forever
  std::int64_t first = 0;                 // inclusive, negative from the end
  std::int64_t last = -1;                 // inclusive, negative from the end
  int channel = 0;
  int slice = 0;
  std::vector<PlaneRoute> routes;  // --route: each plane to its calmond (empty: one plane to --to)
  bool help = false;               // --help: print kReplayUsage, nothing else is checked
};

// Throws UsageError or calmon::Error as described above.
ReplayOptions parse_replay_options(int argc, const char* const argv[]);

// The stream options described to Boost (each taking its value as text), and read back
// from what Boost parsed, with the checks and messages above.
void describe_stream_options(boost::program_options::options_description& options);
// Parses argv against `options`, bare arguments going to `positional`, in the style both
// programs use (no abbreviated flags); a malformed command line is a UsageError.
void parse_command_line(int argc, const char* const argv[], const boost::program_options::options_description& options,
                        const char* positional, boost::program_options::variables_map& values);
void read_stream_options(const boost::program_options::variables_map& values, StreamOptions& options);

// Pieces calmon-follow's own options use too:
// `text` as seconds for `flag`, above 0 and at most 1e6 (calmon::Error otherwise; UsageError
// if it is not a number), rounded up to whole milliseconds.
std::chrono::milliseconds parse_seconds(const char* flag, const std::string& text);
// A non-negative integer below 2^64 (UsageError otherwise).
std::uint64_t parse_uint64_option(const char* flag, const std::string& text);

}  // namespace calmon::replay
