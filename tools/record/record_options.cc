// record_options.cc — calmon-record's options with Boost.Program_options; see the header.
#include "record_options.h"

#include <boost/program_options.hpp>

#include <cmath>

#include "core/error.h"
#include "plane_list.h"

namespace calmon::record_tool {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: calmon-record OUT_DIR [--from ENDPOINT] [--until eos|signal] [--frames N]\n"
    "                     [--flush-interval SECONDS] [--quiet] [--server-key FILE --client-key FILE]\n"
    "                     [--planes LIST]\n"
    "       calmon-record --repair DIR\n"
    "\n"
    "Records what calmond publishes — traces (.npy, the layout of calmon-analyze),\n"
    "status.jsonl, rois.json, projections, metadata.json — into OUT_DIR (created if\n"
    "missing, must be empty). Prints 'calmon-record: ready' once subscribed.\n"
    "--planes 0-2 records, through calmon-proxy, each plane into OUT_DIR/plane_<z>/.\n"
    "--repair DIR recovers a recording whose calmon-record was killed or crashed.\n";

}  // namespace

const cli::CommandLine kRecordCommandLine("calmon-record", kUsage);

RecordOptions parse_record_options(int argc, char** argv) {
  po::options_description named = cli::subscriber_options_description();
  // One option per line, which clang-format would run together.
  // clang-format off
  named.add_options()
      ("until", po::value<std::string>()->default_value("eos"),
       "eos: stop at the end of the stream; signal: record every stream until SIGINT/SIGTERM")
      ("frames", po::value<long long>(), "stop after N frames")
      ("flush-interval", po::value<double>()->default_value(0.5, "0.5"),
       "seconds between flushes: what a crash of the recorder can lose (0.01 to 3600)")
      ("repair", po::value<std::string>(), "make the recording in DIR whole after its recorder died")
      ("quiet", "no summary line at the end")
      ("planes", po::value<std::string>(),
       "through calmon-proxy: record these planes (0-29, 0,2,5), each into OUT_DIR/plane_<z>/");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("out", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("out", 1);
  const po::variables_map values = kRecordCommandLine.parse(argc, argv, named, hidden, positional);
  RecordOptions options;
  if (values.count("repair")) {
    if (values.count("out")) {
      kRecordCommandLine.usage_error("--repair takes the recording's folder; no OUT_DIR besides it");
    }
    options.repair = values["repair"].as<std::string>();
    return options;
  }
  if (!values.count("out")) kRecordCommandLine.usage_error("no output folder given");
  options.subscriber = cli::read_subscriber_options(values, kRecordCommandLine);
  options.recording.out_dir = values["out"].as<std::string>();
  options.recording.source = options.subscriber.endpoint;
  const std::string until = values["until"].as<std::string>();
  if (until != "eos" && until != "signal") {
    kRecordCommandLine.usage_error("--until expects eos or signal, got '" + until + "'");
  }
  options.recording.until_signal = until == "signal";
  if (values.count("frames")) {
    const long long frames = values["frames"].as<long long>();
    if (frames <= 0) {
      kRecordCommandLine.usage_error("--frames expects a positive number, got " + std::to_string(frames));
    }
    options.recording.frame_limit = frames;
  }
  const double flush_seconds = values["flush-interval"].as<double>();
  if (!(flush_seconds >= 0.01 && flush_seconds <= 3600)) {
    kRecordCommandLine.usage_error("--flush-interval expects seconds from 0.01 to 3600, got " +
                                   std::to_string(flush_seconds));
  }
  options.recording.flush_interval = std::chrono::milliseconds(std::llround(flush_seconds * 1000));
  options.quiet = values.count("quiet") > 0;
  if (values.count("planes")) {
    try {
      options.planes = parse_plane_list(values["planes"].as<std::string>());
    } catch (const Error& e) {
      kRecordCommandLine.usage_error(e.what());
    }
  }
  return options;
}

}  // namespace calmon::record_tool
