// calmond — the live ΔF/F₀ daemon: frames in over ZeroMQ, traces and projections out.
//
// Parses the flags and the config files (daemon/command_line.h), then runs the daemon
// (daemon/daemon.h). Exit status: 0 after a clean shutdown, 1 if it cannot start or
// fails, 2 for a mistake on the command line or in a config file.
#include <iostream>

#include "daemon/command_line.h"
#include "daemon/daemon.h"

int main(int argc, char** argv) {
  using calmon::daemon::CommandLine;
  const CommandLine command_line = calmon::daemon::parse_command_line(argc, argv);
  switch (command_line.action) {
    case CommandLine::Action::kHelp: std::cout << calmon::daemon::daemon_usage(); return 0;
    case CommandLine::Action::kUsageError:
      std::cerr << "calmond: " << command_line.message << "\n" << calmon::daemon::daemon_usage();
      return 2;
    case CommandLine::Action::kConfigError: std::cerr << "calmond: " << command_line.message << "\n"; return 2;
    case CommandLine::Action::kRun: break;
  }
  return calmon::daemon::run_daemon(command_line.settings);
}
