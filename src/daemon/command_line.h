// command_line.h — calmond's flags: a daemon config file, then overrides of its fields.
//
// Every flag but --config and --help overrides one field of the daemon config
// (daemon.proto), so the config file and the command line say the same things in the
// same words. The parser never exits or prints: it answers what to do — run with these
// settings, print the help, or stop with one line (a usage mistake, exit 2 with the
// usage; a config that cannot be used, exit 2).
#pragma once

#include <string>
#include <string_view>

#include "daemon/daemon_settings.h"

namespace calmon::daemon {

struct CommandLine {
  enum class Action { kRun, kHelp, kUsageError, kConfigError };
  Action action = Action::kRun;
  DaemonSettings settings;  // kRun
  std::string message;      // kUsageError, kConfigError: one line
};

CommandLine parse_command_line(int argc, const char* const* argv);

// The help text: usage and every flag.
std::string_view daemon_usage();

}  // namespace calmon::daemon
