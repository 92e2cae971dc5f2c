// calmon-record — records what calmond publishes into a folder numpy opens.
//
// Subscribes to traces, projections, status and ROI sets, and writes the trace files
// calmon-analyze writes (docs/output.md) — so a replayed movie's recording can be
// compared with calmon-analyze's files bit for bit — plus status.jsonl, rois.json,
// metadata.json and the newest projection images (docs/subscribers.md). Prints
// "calmon-record: ready" once the first messages have arrived — calmond publishes
// Status every second — i.e. once the subscriptions are live; stops at the end of the
// stream, on SIGINT/SIGTERM, or after --frames N. The command line: record_options.h.
// `calmon-record --repair DIR` makes a recording whose recorder died whole (repair.h).
// With --planes (through calmon-proxy, several calmond), each message goes by its plane
// (net/message_plane.h) to that plane's Recording in OUT_DIR/plane_<z>/, each the folder
// a recorder of that calmond alone would write; it stops when every plane's has ended.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/error.h"
#include "net/message_plane.h"
#include "net/stop_signals.h"
#include "plane_list.h"
#include "record_options.h"
#include "recording.h"
#include "recording_lock.h"
#include "repair.h"
#include "subscription.h"

namespace {

using calmon::record_tool::kRecordCommandLine;
using calmon::record_tool::Recording;
using calmon::record_tool::RecordOptions;

constexpr auto kPollInterval = std::chrono::milliseconds(100);

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
  std::printf("calmon-record: repaired %s: %lld frames recorded, end_reason \"%s\"\n", directory.c_str(),
              static_cast<long long>(report.frames_recorded), report.end_reason.c_str());
  return 0;
}

void print_summary(const std::string& prefix, const calmon::record_tool::RecordingMetadata& metadata,
                   const std::string& out_dir) {
  std::printf("%s: %lld frames (%lld not received), %zu folder%s, %s -> %s\n", prefix.c_str(),
              static_cast<long long>(metadata.frames_recorded), static_cast<long long>(metadata.dropped_updates),
              metadata.segments.size(), metadata.segments.size() == 1 ? "" : "s", describe_end(metadata.end_reason),
              out_dir.c_str());
}

// --planes: one Recording per plane, in OUT_DIR/plane_<z>/.
int record_planes(const RecordOptions& options, calmon::record_tool::Subscription& subscription,
                  const calmon::net::StopSignals& signals) {
  std::map<std::uint32_t, std::unique_ptr<Recording>> recordings;
  for (const std::uint32_t plane : options.planes) {
    calmon::record_tool::RecordingOptions plane_options = options.recording;
    plane_options.out_dir = options.recording.out_dir + "/" + calmon::record_tool::plane_folder_name(plane);
    plane_options.warning_prefix = "plane " + std::to_string(plane) + ": ";
    std::filesystem::create_directories(plane_options.out_dir);
    recordings.emplace(plane, std::make_unique<Recording>(plane_options, std::cerr));
  }
  const auto all_done = [&] {
    for (const auto& [plane, recording] : recordings) {
      if (!recording->done()) return false;
    }
    return true;
  };
  std::set<std::uint32_t> other_planes;
  bool ready = false;
  while (!signals.requested() && !all_done()) {
    const auto message = subscription.receive(kPollInterval);
    if (!ready && subscription.live_for(options.planes)) {
      std::cout << "calmon-record: ready" << std::endl;
      ready = true;
    }
    if (message) {
      const auto plane = calmon::net::message_plane(message->topic, message->payload.data(), message->payload.size());
      const auto found = plane ? recordings.find(*plane) : recordings.end();
      if (found != recordings.end()) {
        if (!found->second->done()) found->second->on_message(*message);
      } else if (plane && other_planes.insert(*plane).second) {
        std::cerr << "calmon-record: warning: messages of plane " << *plane
                  << " arrive, which --planes does not name; they are not recorded\n";
      }
    }
    for (auto& [plane, recording] : recordings) recording->on_tick(Recording::Clock::now());
  }
  for (auto& [plane, recording] : recordings) recording->finish("signal");
  if (!options.quiet) {
    for (const std::uint32_t plane : options.planes) {
      print_summary("calmon-record: plane " + std::to_string(plane), recordings.at(plane)->metadata(),
                    options.recording.out_dir + "/" + calmon::record_tool::plane_folder_name(plane));
    }
  }
  return 0;
}

int run(const RecordOptions& options) {
  if (options.repair) return repair(*options.repair);
  zmq::context_t context(1);
  calmon::record_tool::Subscription subscription(context, options.subscriber.endpoint,
                                                 options.subscriber.load_curve_keys());
  prepare_out_dir(options.recording.out_dir);
  const calmon::record_tool::RecordingLock lock(options.recording.out_dir);
  const calmon::net::StopSignals signals(calmon::net::StopSignals::Repeat::kIgnore);
  if (!options.planes.empty()) return record_planes(options, subscription, signals);
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
  if (!options.quiet) print_summary("calmon-record", metadata, options.recording.out_dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const RecordOptions options = calmon::record_tool::parse_record_options(argc, argv);
  return kRecordCommandLine.run([&] { return run(options); });
}
