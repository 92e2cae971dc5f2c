// sub_options.cc — calmon-sub's options with Boost.Program_options; see the header.
#include "sub_options.h"

#include <boost/program_options.hpp>

namespace calmon::sub_tool {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: calmon-sub [--from ENDPOINT] [--roi NAME ...] [--settled] [--rate HZ] [--follow] [--plain]\n"
    "                  [--server-key FILE --client-key FILE]\n"
    "\n"
    "Shows the live ΔF/F₀ calmond publishes: on a terminal a table refreshed in place,\n"
    "otherwise one line per update (frame=.. seq=.. NAME=value ...).\n";

}  // namespace

const cli::CommandLine kSubCommandLine("calmon-sub", kUsage);

SubOptions parse_sub_options(int argc, char** argv) {
  po::options_description named = cli::subscriber_options_description();
  // One option per line, which clang-format would run together.
  // clang-format off
  named.add_options()
      ("roi", po::value<std::vector<std::string>>()->composing(), "an ROI to show, by name (repeatable; default: all)")
      ("settled", "show settled ΔF/F₀ too")
      ("rate", po::value<double>()->default_value(10.0), "terminal refreshes per second at most")
      ("follow", "keep going after the end of a stream")
      ("plain", "one line per update even on a terminal");
  // clang-format on
  const po::variables_map values = kSubCommandLine.parse(argc, argv, named);
  SubOptions options;
  options.subscriber = cli::read_subscriber_options(values, kSubCommandLine);
  if (values.count("roi")) options.rois = values["roi"].as<std::vector<std::string>>();
  options.settled = values.count("settled") > 0;
  options.rate_hz = values["rate"].as<double>();
  if (!(options.rate_hz > 0.0) || options.rate_hz > 1000.0) {
    kSubCommandLine.usage_error("--rate expects a number of refreshes per second in (0, 1000]");
  }
  options.follow = values.count("follow") > 0;
  options.plain = values.count("plain") > 0;
  return options;
}

}  // namespace calmon::sub_tool
