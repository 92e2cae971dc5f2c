// calmon-record — records what calmond publishes into a folder numpy opens.
//
// Subscribes to traces, projections, status and ROI sets, and writes the trace files
// calmon-analyze writes (docs/output.md) — so a replayed movie's recording can be
// compared with calmon-analyze's files bit for bit — plus status.jsonl, rois.json,
// metadata.json and the newest projection images (docs/subscribers.md). Prints
// "calmon-record: ready" once the first messages have arrived — calmond publishes
// Status every second — i.e. once the subscriptions are live; stops at the end of the stream, on SIGINT/SIGTERM, or after --frames N.
// `calmon-record --repair DIR` makes a recording whose recorder died whole (repair.h).
#include <boost/program_options.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "core/error.h"
#include "net/curve_client.h"
#include "net/stop_signals.h"
#include "recording.h"
#include "recording_lock.h"
#include "repair.h"
#include "subscription.h"

namespace {

namespace po = boost::program_options;
using calmon::record_tool::Recording;
using calmon::record_tool::RecordingOptions;

constexpr const char* kUsage =
    "usage: calmon-record OUT_DIR [--from ENDPOINT] [--until eos|signal] [--frames N]\n"
    "                     [--flush-interval SECONDS] [--quiet] [--server-key FILE --client-key FILE]\n"
    "       calmon-record --repair DIR\n"
    "\n"
    "Records what calmond publishes — traces (.npy, the layout of calmon-analyze),\n"
    "status.jsonl, rois.json, projections, metadata.json — into OUT_DIR (created if\n"
    "missing, must be empty). Prints 'calmon-record: ready' once subscribed.\n"
    "--repair DIR recovers a recording whose calmon-record was killed or crashed.\n";

constexpr auto kPollInterval = std::chrono::milliseconds(100);

struct Options {
  RecordingOptions recording;
  bool quiet = false;
  std::string server_key_file;  // CURVE: both or neither
  std::string client_key_file;
  std::optional<std::string> repair;  // --repair DIR
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "calmon-record: " << message << "\n" << kUsage;
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  po::options_description named("options");
  // One option per line, which clang-format would run together.
  // clang-format off
  named.add_options()
      ("help,h", "this help")
      ("from", po::value<std::string>()->default_value("tcp://127.0.0.1:5571"), "calmond's publish endpoint")
      ("until", po::value<std::string>()->default_value("eos"),
       "eos: stop at the end of the stream; signal: record every stream until SIGINT/SIGTERM")
      ("frames", po::value<long long>(), "stop after N frames")
      ("flush-interval", po::value<double>()->default_value(0.5, "0.5"),
       "seconds between flushes: what a crash of the recorder can lose (0.01 to 3600)")
      ("repair", po::value<std::string>(), "make the recording in DIR whole after its recorder died")
      ("quiet", "no summary line at the end")
      ("server-key", po::value<std::string>(), "CURVE: calmond's public key (calmond.key)")
      ("client-key", po::value<std::string>(), "CURVE: this client's key pair (NAME.key_secret)");
  // clang-format on
  po::options_description all;
  all.add(named).add_options()("out", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("out", 1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), values);
    po::notify(values);
  } catch (const po::error& e) {
    usage_error(e.what());
  }
  if (values.count("help")) {
    std::cout << kUsage << "\n" << named;
    std::exit(0);
  }
  Options options;
  if (values.count("repair")) {
    if (values.count("out")) usage_error("--repair takes the recording's folder; no OUT_DIR besides it");
    options.repair = values["repair"].as<std::string>();
    return options;
  }
  if (!values.count("out")) usage_error("no output folder given");
  options.recording.out_dir = values["out"].as<std::string>();
  options.recording.source = values["from"].as<std::string>();
  const std::string until = values["until"].as<std::string>();
  if (until != "eos" && until != "signal") usage_error("--until expects eos or signal, got '" + until + "'");
  options.recording.until_signal = until == "signal";
  if (values.count("frames")) {
    const long long frames = values["frames"].as<long long>();
    if (frames <= 0) usage_error("--frames expects a positive number, got " + std::to_string(frames));
    options.recording.frame_limit = frames;
  }
  const double flush_seconds = values["flush-interval"].as<double>();
  if (!(flush_seconds >= 0.01 && flush_seconds <= 3600)) {
    usage_error("--flush-interval expects seconds from 0.01 to 3600, got " + std::to_string(flush_seconds));
  }
  options.recording.flush_interval = std::chrono::milliseconds(std::llround(flush_seconds * 1000));
  options.quiet = values.count("quiet") > 0;
  if (const auto problem =
          calmon::net::curve_client_flags_problem(values.count("server-key") > 0, values.count("client-key") > 0)) {
    usage_error(*problem);
  }
  if (values.count("server-key")) options.server_key_file = values["server-key"].as<std::string>();
  if (values.count("client-key")) options.client_key_file = values["client-key"].as<std::string>();
  return options;
}

// OUT_DIR is created, or must be empty: a recording never mixes with older files.
void prepare_out_dir(const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::exists(path)) {
    if (!fs::is_directory(path)) throw calmon::Error(path + ": exists and is not a folder");
    if (!fs::is_empty(path)) throw calmon::Error(path + ": folder is not empty; give a new or empty one");
  }
  fs::create_directories(path);
}

const char* describe_end(const std::string& reason) {
  if (reason == "end_of_stream") return "end of stream";
  if (reason == "end_of_stream_lost") return "end of stream lost";
  if (reason == "daemon_restarted") return "calmond restarted";
  if (reason == "frames") return "frame limit";
  return "signal";
}

int repair(const std::string& directory) {
  const calmon::record_tool::RecordingLock lock(directory);
  const calmon::record_tool::RepairReport report = calmon::record_tool::repair_recording(directory);
  for (const std::string& warning : report.warnings) std::cerr << "calmon-record: warning: " << warning << "\n";
  const auto recovered = [](std::int64_t rows) {  // " (+12 past the last flush)", " (3 missing ...)"
    if (rows == 0) return std::string();
    if (rows > 0) return " (+" + std::to_string(rows) + " past the last flush)";
    return " (" + std::to_string(-rows) + " counted at the last flush are missing)";
  };
  for (const calmon::record_tool::FolderRepair& folder : report.folders) {
    std::printf("calmon-record: %s: %lld live rows%s, %lld settled rows%s\n", folder.folder.c_str(),
                static_cast<long long>(folder.live_rows), recovered(folder.live_recovered).c_str(),
                static_cast<long long>(folder.settled_rows), recovered(folder.settled_recovered).c_str());
  }
  std::printf("calmon-record: repaired %s: %lld frames recorded, end_reason %s\n", directory.c_str(),
              static_cast<long long>(report.frames_recorded), report.end_reason.c_str());
  return 0;
}

int run(const Options& options) {
  if (options.repair) return repair(*options.repair);
  zmq::context_t context(1);
  calmon::record_tool::Subscription subscription(
      context, options.recording.source,
      calmon::net::load_curve_client_keys(options.server_key_file, options.client_key_file));
  prepare_out_dir(options.recording.out_dir);
  const calmon::record_tool::RecordingLock lock(options.recording.out_dir);
  const calmon::net::StopSignals signals(calmon::net::StopSignals::Repeat::kIgnore);
  Recording recording(options.recording, std::cerr);
  bool ready = false;
  while (!signals.requested() && !recording.done()) {
    const auto message = subscription.receive(kPollInterval);
    if (!ready && subscription.live()) {
      std::cout << "calmon-record: ready" << std::endl;
      ready = true;
    }
    if (message) recording.on_message(*message);
    recording.on_tick(Recording::Clock::now());
  }
  recording.finish("signal");
  const auto& metadata = recording.metadata();
  if (!options.quiet) {
    std::printf("calmon-record: %lld frames (%lld not received), %zu folder%s, %s -> %s\n",
                static_cast<long long>(metadata.frames_recorded), static_cast<long long>(metadata.dropped_updates),
                metadata.segments.size(), metadata.segments.size() == 1 ? "" : "s",
                describe_end(metadata.end_reason), options.recording.out_dir.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  try {
    return run(options);
  } catch (const calmon::Error& e) {
    std::cerr << "calmon-record: " << e.what() << "\n";
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "calmon-record: " << e.what() << "\n";
  } catch (const zmq::error_t& e) {
    std::cerr << "calmon-record: ZeroMQ: " << e.what() << "\n";
  }
  return 1;
}
