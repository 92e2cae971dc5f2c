// sub_options.h — calmon-sub's command line, parsed and checked.
//
// The subscriber options (cli/subscriber_options.h), the ROIs to show and how. A
// mistake prints "calmon-sub: <why>" and the usage and exits 2 (--help: the usage and
// the options, exit 0), through kSubCommandLine, which main() also runs its work through.
#pragma once

#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/subscriber_options.h"

namespace calmon::sub_tool {

extern const cli::CommandLine kSubCommandLine;

struct SubOptions {
  cli::SubscriberOptions subscriber;
  std::vector<std::string> rois;
  bool settled = false;
  double rate_hz = 10.0;
  bool follow = false;
  bool plain = false;
};

SubOptions parse_sub_options(int argc, char** argv);

}  // namespace calmon::sub_tool
