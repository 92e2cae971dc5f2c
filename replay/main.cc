// calmon-replay — streams a recorded TIFF movie to calmond, frame by frame, over ZeroMQ.
//
// Thin by design: parse the command line, run the replay (replayer.h), print the summary
// line on stdout. Errors are one line on stderr: exit 1 for bad input, a daemon that
// does not take the frames, or one that did not acknowledge the end of stream or process
// every frame (after the summary line), 2 (with the usage) for a command-line mistake,
// 128 + the signal number when SIGINT/SIGTERM stopped the replay. docs/replay.md has the
// details.
#include <unistd.h>

#include <exception>
#include <iostream>
#include <new>
#include <vector>

#include <zmq.hpp>

#include "core/error.h"
#include "replay/replay_options.h"
#include "replay/replayer.h"
#include "replay/routed_replayer.h"

namespace {

using calmon::replay::ProgressMode;

int fail(const std::string& message) {
  std::cerr << "calmon-replay: " << message << "\n";
  return 1;
}

bool show_progress(ProgressMode mode) {
  return mode == ProgressMode::kAlways || (mode == ProgressMode::kAuto && isatty(STDERR_FILENO) == 1);
}

}  // namespace

int main(int argc, char** argv) {
  calmon::replay::ReplayOptions options;
  try {
    options = calmon::replay::parse_replay_options(argc, argv);
  } catch (const calmon::replay::UsageError& e) {
    std::cerr << "calmon-replay: " << e.what() << "\n" << calmon::replay::kReplayUsage;
    return 2;
  } catch (const calmon::Error& e) {
    return fail(e.what());
  }
  if (options.help) {
    std::cout << calmon::replay::kReplayUsage;
    return 0;
  }
  try {
    if (!options.routes.empty()) {  // each plane to its own calmond: one summary line per plane
      const std::vector<calmon::replay::ReplaySummary> summaries =
          calmon::replay::replay_routes(options, show_progress(options.progress));
      for (const auto& summary : summaries) std::cout << calmon::replay::format_summary(summary) << "\n";
      std::cout.flush();
      int status = 0;
      for (std::size_t i = 0; i < summaries.size(); ++i) {
        if (const auto problem = calmon::replay::delivery_problem(summaries[i])) {
          status = fail("plane " + std::to_string(options.routes[i].plane) + ": " + *problem);
        }
      }
      if (status != 0) return status;
      return summaries.front().signal != 0 ? 128 + summaries.front().signal : 0;
    }
    const calmon::replay::ReplaySummary summary =
        calmon::replay::replay_movie(options, show_progress(options.progress));
    std::cout << calmon::replay::format_summary(summary) << std::endl;
    if (const auto problem = calmon::replay::delivery_problem(summary)) return fail(*problem);
    return summary.signal != 0 ? 128 + summary.signal : 0;
  } catch (const calmon::Error& e) {
    return fail(e.what());
  } catch (const zmq::error_t& e) {
    return fail(std::string("ZeroMQ: ") + e.what());
  } catch (const std::bad_alloc&) {
    return fail("out of memory");
  }
}
