// record_options.h — calmon-record's command line, parsed and checked.
//
// OUT_DIR and the subscriber options (cli/subscriber_options.h) to record, or --repair
// DIR alone. A mistake prints "calmon-record: <why>" and the usage and exits 2 (--help:
// the usage and the options, exit 0), through kRecordCommandLine, which main() also runs
// the recording through.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/subscriber_options.h"
#include "recording.h"

namespace calmon::record_tool {

extern const cli::CommandLine kRecordCommandLine;

struct RecordOptions {
  RecordingOptions recording;
  bool quiet = false;
  cli::SubscriberOptions subscriber;
  std::optional<std::string> repair;  // --repair DIR
  std::vector<std::uint32_t> planes;  // --planes: one folder per plane (empty: one calmond, OUT_DIR itself)
};

RecordOptions parse_record_options(int argc, char** argv);

}  // namespace calmon::record_tool
