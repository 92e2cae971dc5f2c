// calmon-follow — streams the frames of a TIFF to calmond while an acquisition writes it.
//
// Thin by design, like calmon-replay: parse the command line, follow the series
// (follower.h), print calmon-replay's summary line on stdout. Errors are one line on
// stderr: exit 1 for bad input (after the end of stream for what was sent), no daemon, or
// frames calmond did not process; 2 (with the usage) for a command-line mistake; 128 + the
// signal number when SIGINT/SIGTERM ended it. docs/follow.md has the details.
#include <unistd.h>

#include <exception>
#include <iostream>
#include <new>

#include <zmq.hpp>

#include "core/error.h"
#include "follow/follow_options.h"
#include "follow/follower.h"

namespace {

int fail(const std::string& message) {
  std::cerr << "calmon-follow: " << message << "\n";
  return 1;
}

bool show_progress(calmon::replay::ProgressMode mode) {
  using calmon::replay::ProgressMode;
  return mode == ProgressMode::kAlways || (mode == ProgressMode::kAuto && isatty(STDERR_FILENO) == 1);
}

}  // namespace

int main(int argc, char** argv) {
  calmon::follow::FollowOptions options;
  try {
    options = calmon::follow::parse_follow_options(argc, argv);
  } catch (const calmon::replay::UsageError& e) {
    std::cerr << "calmon-follow: " << e.what() << "\n" << calmon::follow::kFollowUsage;
    return 2;
  } catch (const calmon::Error& e) {
    return fail(e.what());
  }
  if (options.help) {
    std::cout << calmon::follow::kFollowUsage;
    return 0;
  }
  try {
    const calmon::follow::FollowResult result = calmon::follow::follow_series(options, show_progress(options.progress));
    std::cout << calmon::replay::format_summary(result.summary) << std::endl;
    if (result.error) return fail(*result.error);
    if (const auto problem = calmon::replay::delivery_problem(result.summary)) return fail(*problem);
    return result.summary.signal != 0 ? 128 + result.summary.signal : 0;
  } catch (const calmon::Error& e) {
    return fail(e.what());
  } catch (const zmq::error_t& e) {
    return fail(std::string("ZeroMQ: ") + e.what());
  } catch (const std::bad_alloc&) {
    return fail("out of memory");
  }
}
