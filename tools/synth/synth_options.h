// synth_options.h — calmon-synth's command line: the flags, their checks, the usage.
//
// Boost.Program_options splits the command line, as in calmon's other programs; the
// value checks and every message are calmon-synth's own, thrown as a UsageError that
// main() prints on one line with exit status 2.
#pragma once

#include <string>

#include "synth/synthetic_movie.h"

namespace calmon::synth_tool {

extern const char* const kSynthUsage;

// A bad command line: reported on one line with exit status 2.
struct UsageError {
  std::string message;
};

struct Options {
  std::string out_dir;
  calmon::synth::MovieParams params;
  bool bigtiff = false;
  bool quiet = false;  // no progress line
  bool help = false;
};

// The options of argv[1..argc); throws UsageError.
Options parse_options(int argc, const char* const argv[]);

}  // namespace calmon::synth_tool
