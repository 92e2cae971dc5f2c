// follow_options.cc — Boost.Program_options for the syntax, then the value checks.
#include "follow/follow_options.h"

#include <boost/program_options.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"

namespace calmon::follow {

const char* const kFollowUsage =
    "usage: calmon-follow (FILE.tif | --folder DIR [--glob PATTERN]) [--to ENDPOINT] [--from-now]\n"
    "                     [--channel C] [--plane Z] [--idle-timeout SECONDS]\n"
    "                     [--stop-file PATH] [--poll-ms MS] [--start-sequence S] [--stream-id ID]\n"
    "                     [--no-eos] [--control ENDPOINT | --no-ack] [--progress auto|always|never]\n"
    "                     [--timeout SECONDS] [--max-frame-mib MIB]\n"
    "                     [--server-key FILE --client-key FILE] [--help]\n"
    "\n"
    "Streams the pages of a multi-page TIFF to calmond as another program appends them,\n"
    "each page as soon as it is complete, following the series to the next file\n"
    "(name_00001_00001.tif, then name_00001_00002.tif, ...); of a ScanImage series only the\n"
    "--channel and --plane followed, with ScanImage's timestamps. At the end (idle timeout, stop\n"
    "file, Ctrl-C) it sends the end of stream and waits for calmond's acknowledgement, as\n"
    "calmon-replay does.\n"
    "With --folder, one file per frame: PrairieView's <series>_Cycle00001_Ch2_000001.ome.tif\n"
    "(--channel's; frame times from its XML), or the names --glob matches, in\n"
    "acquisition order; a file is sent once the XML lists it or, without an XML, once its\n"
    "size stopped changing and it parses as a whole TIFF. Missing frames stay gaps.\n"
    "\n"
    "  --folder DIR        follow a folder of one file per frame\n"
    "  --glob PATTERN      with --folder: the frame files ('*' any run, '?' one character)\n"
    "  --to ENDPOINT       calmond's ingest socket (default tcp://127.0.0.1:5570)\n"
    "  --from-now          start at the newest frame (and the newest file of a series)\n"
    "  --channel C         ScanImage: the channel followed, from 0 among those saved (default 0);\n"
    "                      --folder: the C-th of PrairieView's channels (Ch1, Ch2, ...)\n"
    "  --plane Z           the plane followed, from 0 (default 0): ScanImage's, or PrairieView's\n"
    "                      (a ZSeries' Frame index - 1); --slice Z is the same\n"
    "  --idle-timeout SECONDS\n"
    "                      end after no new page for this long (default: never)\n"
    "  --stop-file PATH    end when PATH exists\n"
    "  --poll-ms MS        how often to look at the file (default 5)\n"
    "  --max-frame-mib MIB largest frame read, in MiB of pixels (default 64, as calmond's)\n"
    "  --start-sequence S  sequence number of the first frame (default 0)\n"
    "  --stream-id ID      the stream's id (default: a random one per run; 0: none)\n"
    "  --no-eos            do not send the end of stream (nothing to acknowledge)\n"
    "  --control ENDPOINT  calmond's control socket (default port 5572 on --to's host)\n"
    "  --no-ack            do not ask for the acknowledgement\n"
    "  --progress WHEN     progress line on stderr: auto (on a terminal), always, never\n"
    "  --timeout SECONDS   give up when no daemon takes a frame, or calmond's acknowledgement\n"
    "                      makes no progress, for this long (default 10)\n"
    "  --server-key FILE   CURVE: calmond's public key (calmond.key)\n"
    "  --client-key FILE   CURVE: this client's key pair (NAME.key_secret, authorized by calmond)\n"
    "  --help              this text\n"
    "\n"
    "Exit status: 0 every frame sent was processed by calmond; 1 bad input (not a TIFF, a\n"
    "frame size that changes, a channel or plane the files lack, ScanImage settings that\n"
    "contradict each other or change between files: one line, after the end of stream for\n"
    "what was sent), no daemon, or frames calmond did not process; 2 a mistake on the\n"
    "command line; 130\n"
    "stopped by Ctrl-C (143 by SIGTERM) after sending the end of stream.\n";

namespace {

namespace po = boost::program_options;

po::options_description describe_options() {
  po::options_description options;
  // clang-format off
  options.add_options()
      ("help,h", "")
      ("folder", po::value<std::string>(), "")
      ("glob", po::value<std::string>(), "")
      ("from-now", "")
      ("channel", po::value<int>(), "")
      ("slice", po::value<int>(), "")
      ("plane", po::value<int>(), "")
      ("idle-timeout", po::value<std::string>(), "")
      ("stop-file", po::value<std::string>(), "")
      ("poll-ms", po::value<std::string>(), "")
      ("file", po::value<std::vector<std::string>>(), "");
  // clang-format on
  replay::describe_stream_options(options);
  return options;
}

// As calmon-replay's --channel and --plane (replay/replay_options.cc).
int non_negative(const char* flag, int value) {
  if (value < 0) throw Error(std::string(flag) + " must be 0 or more, got " + std::to_string(value));
  return value;
}

}  // namespace

FollowOptions parse_follow_options(int argc, const char* const argv[]) {
  po::variables_map values;
  replay::parse_command_line(argc, argv, describe_options(), "file", values);
  FollowOptions options;
  if (values.count("help")) {
    options.help = true;
    return options;
  }
  const auto files = values.count("file") ? values["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() > 1) {
    throw replay::UsageError("more than one file given: '" + files[0] + "' and '" + files[1] + "'");
  }
  if (values.count("folder")) {
    if (!files.empty()) throw replay::UsageError("a file and --folder exclude each other");
    options.folder = values["folder"].as<std::string>();
    if (values.count("glob")) options.glob = values["glob"].as<std::string>();
  } else {
    if (values.count("glob")) throw replay::UsageError("--glob goes with --folder");
    if (files.empty()) throw replay::UsageError("no file or --folder given");
    options.file = files[0];
  }
  replay::read_stream_options(values, options);
  options.from_now = values.count("from-now") > 0;
  if (values.count("channel")) options.channel = non_negative("--channel", values["channel"].as<int>());
  if (values.count("slice") && values.count("plane")) throw Error("--slice and --plane are the same; give one");
  if (values.count("slice")) options.plane = non_negative("--slice", values["slice"].as<int>());
  if (values.count("plane")) options.plane = non_negative("--plane", values["plane"].as<int>());
  if (!options.folder.empty() && !options.glob.empty() && (options.channel != 0 || options.plane != 0)) {
    throw Error(std::string(options.channel != 0 ? "--channel" : "--plane") +
                " picks among PrairieView's files; the files --glob matches are one channel of one plane");
  }
  if (values.count("idle-timeout")) {
    options.idle_timeout = replay::parse_seconds("--idle-timeout", values["idle-timeout"].as<std::string>());
  }
  if (values.count("stop-file")) options.stop_file = values["stop-file"].as<std::string>();
  if (values.count("poll-ms")) {
    const std::string text = values["poll-ms"].as<std::string>();
    const std::uint64_t ms = replay::parse_uint64_option("--poll-ms", text);
    if (ms < 1 || ms > 10'000) throw Error("--poll-ms must be 1 to 10000 milliseconds, got " + text);
    options.poll_interval = std::chrono::milliseconds(ms);
  }
  return options;
}

}  // namespace calmon::follow
