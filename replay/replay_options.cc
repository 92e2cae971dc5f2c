// replay_options.cc — Boost.Program_options for the syntax, then the value checks.
#include "replay/replay_options.h"

#include <boost/program_options.hpp>

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "net/curve_client.h"
#include "replay/plane_route.h"

namespace calmon::replay {

const char* const kReplayUsage =
    "usage: calmon-replay MOVIE.tif [--to ENDPOINT] [--rate HZ | --fast] [--loop N | --loop-forever]\n"
    "                     [--first F] [--last L] [--channel C] [--plane Z] [--start-sequence S]\n"
    "                     [--stream-id ID] [--no-eos] [--control ENDPOINT | --no-ack]\n"
    "                     [--progress auto|always|never] [--timeout SECONDS] [--max-frame-mib MIB]\n"
    "                     [--server-key FILE --client-key FILE] [--help]\n"
    "       calmon-replay MOVIE.tif --route Z=ENDPOINT[,CONTROL] [--route ...] [options]\n"
    "\n"
    "Streams the frames of a multi-page TIFF movie to calmond over ZeroMQ (PUSH, connects),\n"
    "paced at a steady rate, then sends the end of stream and asks calmond's control socket\n"
    "until it acknowledges the end of stream: how many frames it processed.\n"
    "\n"
    "  --to ENDPOINT       calmond's ingest socket (default tcp://127.0.0.1:5570)\n"
    "  --rate HZ           frames per second, on an absolute schedule (default 30)\n"
    "  --fast              as fast as calmond takes them, no pacing\n"
    "  --loop N            send the selected frames N times over (default 1)\n"
    "  --loop-forever      repeat until Ctrl-C\n"
    "  --first F           first frame to send, 0-based (default 0)\n"
    "  --last L            last frame to send, inclusive (default -1, the movie's last);\n"
    "                      negative indices count from the end: --first F --last L sends\n"
    "                      numpy's data[F:L+1]\n"
    "  --channel C         channel of an ImageJ hyperstack or ScanImage file (default 0)\n"
    "  --plane Z           plane (z-slice) of an ImageJ hyperstack or ScanImage file\n"
    "                      (default 0); sent as the plane; --slice Z is the same\n"
    "  --route Z=ENDPOINT[,CONTROL]\n"
    "                      plane Z of a multi-plane movie to the calmond analysing it\n"
    "                      (ingest ENDPOINT; control CONTROL, default port 5572 on its\n"
    "                      host); once per plane, instead of --to, --plane and --control\n"
    "  --max-frame-mib MIB\n"
    "                      largest frame read, in MiB of pixels (default 64, as calmond's);\n"
    "                      a movie with larger frames is refused when it is opened\n"
    "  --start-sequence S  sequence number of the first frame (default 0); +1 per frame,\n"
    "                      continuing across loops\n"
    "  --stream-id ID      the stream's id (default: a random one per run; the same in two\n"
    "                      runs continues one stream; 0: none)\n"
    "  --no-eos            do not send the end of stream (nothing to acknowledge)\n"
    "  --control ENDPOINT  calmond's control socket (default port 5572 on --to's host)\n"
    "  --no-ack            do not ask for the acknowledgement (a receiver that is not calmond)\n"
    "  --progress WHEN     progress line on stderr: auto (on a terminal), always, never\n"
    "  --timeout SECONDS   give up when no daemon takes a frame, or calmond's acknowledgement\n"
    "                      makes no progress, for this long (default 10)\n"
    "  --server-key FILE   CURVE: calmond's public key (calmond.key)\n"
    "  --client-key FILE   CURVE: this client's key pair (NAME.key_secret, authorized by calmond)\n"
    "  --help              this text\n"
    "\n"
    "Exit status: 0 every frame sent was processed by calmond; 1 bad input, no daemon taking\n"
    "frames, or frames calmond did not process or an end of stream it did not acknowledge\n"
    "(one line on stderr); 2 a mistake on the command line; 130 stopped by Ctrl-C (143 by\n"
    "SIGTERM) after sending the end of stream. A second Ctrl-C quits at once.\n";

namespace {

namespace po = boost::program_options;

// One frame in 1000 s; slower rates would put due times beyond what int64 ns can hold.
constexpr double kMinimumRateHz = 1e-3;

std::uint64_t parse_uint64(const char* flag, const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw UsageError(std::string(flag) + " expects a non-negative integer below 2^64, got '" + text + "'");
  }
  return value;
}

ProgressMode parse_progress(const std::string& text) {
  if (text == "auto") return ProgressMode::kAuto;
  if (text == "always") return ProgressMode::kAlways;
  if (text == "never") return ProgressMode::kNever;
  throw UsageError("--progress expects auto, always or never, got '" + text + "'");
}

// The whole of `text` as a number (decimal or exponent notation, "inf", "nan").
double parse_number(const char* flag, const std::string& text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw UsageError(std::string(flag) + " expects a number, got '" + text + "'");
  }
  return value;
}

std::chrono::milliseconds parse_timeout(const char* flag, const std::string& text) {
  const double seconds = parse_number(flag, text);
  if (!(std::isfinite(seconds) && seconds > 0 && seconds <= 1e6)) {
    throw Error(std::string(flag) + " must be a number of seconds above 0 and at most 1000000, got " + text);
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
}

po::options_description describe_options() {
  po::options_description options;
  // One option per line, which clang-format would run together.
  // clang-format off
  options.add_options()
      ("help,h", "")
      ("rate", po::value<std::string>(), "")
      ("fast", "")
      ("loop", po::value<std::int64_t>(), "")
      ("loop-forever", "")
      ("first", po::value<std::int64_t>(), "")
      ("last", po::value<std::int64_t>(), "")
      ("channel", po::value<int>(), "")
      ("slice", po::value<int>(), "")
      ("plane", po::value<int>(), "")
      ("route", po::value<std::vector<std::string>>()->composing(), "")
      ("movie", po::value<std::vector<std::string>>(), "");
  // clang-format on
  describe_stream_options(options);
  return options;
}

int non_negative(const char* flag, int value) {
  if (value < 0) throw Error(std::string(flag) + " must be 0 or more, got " + std::to_string(value));
  return value;
}

}  // namespace

ReplayOptions parse_replay_options(int argc, const char* const argv[]) {
  po::variables_map values;
  parse_command_line(argc, argv, describe_options(), "movie", values);
  ReplayOptions options;
  if (values.count("help")) {
    options.help = true;
    return options;
  }
  const auto movies =
      values.count("movie") ? values["movie"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (movies.empty()) throw UsageError("no movie given");
  if (movies.size() > 1) throw UsageError("more than one movie given: '" + movies[0] + "' and '" + movies[1] + "'");
  options.movie = movies[0];
  if (values.count("rate") && values.count("fast")) throw UsageError("--rate and --fast exclude each other");
  if (values.count("loop") && values.count("loop-forever")) {
    throw UsageError("--loop and --loop-forever exclude each other");
  }

  read_stream_options(values, options);
  if (values.count("fast")) options.rate_hz.reset();
  if (values.count("rate")) {
    const std::string text = values["rate"].as<std::string>();
    const double rate = parse_number("--rate", text);
    if (!(std::isfinite(rate) && rate >= kMinimumRateHz)) {
      throw Error("--rate must be a number of frames per second of at least 0.001, got " + text);
    }
    options.rate_hz = rate;
  }
  if (values.count("loop-forever")) options.loops.reset();
  if (values.count("loop")) {
    const std::int64_t loops = values["loop"].as<std::int64_t>();
    if (loops < 1) throw Error("--loop must be 1 or more, got " + std::to_string(loops));
    options.loops = loops;
  }
  if (values.count("first")) options.first = values["first"].as<std::int64_t>();
  if (values.count("last")) options.last = values["last"].as<std::int64_t>();
  if (values.count("channel")) options.channel = non_negative("--channel", values["channel"].as<int>());
  if (values.count("slice") && values.count("plane")) throw Error("--slice and --plane are the same; give one");
  if (values.count("slice")) options.slice = non_negative("--slice", values["slice"].as<int>());
  if (values.count("plane")) options.slice = non_negative("--plane", values["plane"].as<int>());
  if (values.count("route")) {
    for (const char* flag : {"to", "plane", "slice", "control", "stream-id"}) {
      if (values.count(flag)) {
        throw UsageError(std::string("--route and --") + flag +
                         " exclude each other: each route names its plane and its calmond");
      }
    }
    options.routes = parse_plane_routes(values["route"].as<std::vector<std::string>>());
  }
  return options;
}

void parse_command_line(int argc, const char* const argv[], const po::options_description& options,
                        const char* positional, po::variables_map& values) {
  po::positional_options_description bare;
  bare.add(positional, -1);
  try {
    const auto style = po::command_line_style::unix_style ^ po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(argc, argv).options(options).positional(bare).style(style).run(), values);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
}

void describe_stream_options(po::options_description& options) {
  // clang-format off
  options.add_options()
      ("to", po::value<std::string>(), "")
      ("max-frame-mib", po::value<std::string>(), "")
      ("start-sequence", po::value<std::string>(), "")
      ("stream-id", po::value<std::string>(), "")
      ("no-eos", "")
      ("control", po::value<std::string>(), "")
      ("no-ack", "")
      ("progress", po::value<std::string>(), "")
      ("timeout", po::value<std::string>(), "")
      ("server-key", po::value<std::string>(), "")
      ("client-key", po::value<std::string>(), "");
  // clang-format on
}

void read_stream_options(const po::variables_map& values, StreamOptions& options) {
  if (values.count("to")) options.endpoint = values["to"].as<std::string>();
  if (values.count("max-frame-mib")) {
    try {
      options.max_frame_bytes = parse_max_frame_mib(values["max-frame-mib"].as<std::string>());
    } catch (const Error& e) {
      throw UsageError(e.what());  // as calmond says it
    }
  }
  if (values.count("start-sequence")) {
    options.start_sequence = parse_uint64("--start-sequence", values["start-sequence"].as<std::string>());
  }
  if (values.count("stream-id")) options.stream_id = parse_uint64("--stream-id", values["stream-id"].as<std::string>());
  if (values.count("no-eos")) options.end_of_stream = false;
  if (values.count("control") && values.count("no-ack")) throw UsageError("--control and --no-ack exclude each other");
  if (values.count("control")) {
    options.control_endpoint = values["control"].as<std::string>();
  } else {
    options.control_endpoint = control_beside(options.endpoint);
  }
  if (values.count("no-ack")) options.acknowledge = false;
  if (values.count("progress")) options.progress = parse_progress(values["progress"].as<std::string>());
  if (values.count("timeout")) options.timeout = parse_timeout("--timeout", values["timeout"].as<std::string>());
  if (const auto problem =
          net::curve_client_flags_problem(values.count("server-key") > 0, values.count("client-key") > 0)) {
    throw UsageError(*problem);
  }
  if (values.count("server-key")) options.server_key_file = values["server-key"].as<std::string>();
  if (values.count("client-key")) options.client_key_file = values["client-key"].as<std::string>();
}

std::chrono::milliseconds parse_seconds(const char* flag, const std::string& text) { return parse_timeout(flag, text); }

std::uint64_t parse_uint64_option(const char* flag, const std::string& text) { return parse_uint64(flag, text); }

}  // namespace calmon::replay
