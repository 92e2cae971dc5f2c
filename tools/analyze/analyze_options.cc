// analyze_options.cc — Boost.Program_options for the syntax, then calmon-analyze's checks.
//
// Every value is taken as text and checked here, so the messages stay those of the
// hand-written parser this replaced (tests/unit/analyze_cli_test.cc holds them).
// A flag given twice keeps its last value, as before; --flag=VALUE is refused, as before.
#include "analyze_options.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/moving_quantile.h"

namespace calmon::analyze {

const char* const kAnalyzeUsage =
    "usage: calmon-analyze MOVIE.tif --out DIR [--config CONFIG.json] [--rois FILE]... [--channel C] [--plane Z]\n"
    "                      [--max-frame-mib MIB] [--max-baseline-mib MIB] [--max-baseline-window N]\n"
    "                      [--quiet]\n"
    "\n"
    "Runs calmon's pipeline over every frame of a multi-page TIFF movie and writes\n"
    "traces (.npy), projections and kept frames (.npy + .tif) into DIR.\n"
    "\n"
    "  --config FILE   ROIs, neuropil, baselines, projections (docs/config.md);\n"
    "                  without it: projections only\n"
    "  --rois FILE     the ROIs of an ROI file instead of the config's (docs/rois.md): ImageJ\n"
    "                  .roi or RoiSet.zip, Suite2p stat.npy, CaImAn .hdf5, calmon .json;\n"
    "                  given again, the files' ROIs follow one another\n"
    "  --out DIR       output folder, created if missing\n"
    "  --channel C     channel of an ImageJ hyperstack or ScanImage file (default 0)\n"
    "  --plane Z       plane (z-slice) of an ImageJ hyperstack or ScanImage file (default 0);\n"
    "                  --slice Z is the same\n"
    "  --max-frame-mib MIB\n"
    "                  largest frame read, in MiB of pixels (default 64, as calmond's);\n"
    "                  a movie with larger frames is refused when it is opened\n"
    "  --max-baseline-mib MIB\n"
    "                  memory of all the ROIs' baselines at full windows (default 4096)\n"
    "  --max-baseline-window N\n"
    "                  frames in one baseline window (default 1000000)\n"
    "  --quiet         no summary table\n";

namespace {

namespace po = boost::program_options;

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "calmon-analyze: " << message << "\n" << kAnalyzeUsage;
  std::exit(2);
}

int parse_int(const std::string& flag, const std::string& text) {
  try {
    std::size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  usage_error(flag + " expects a non-negative integer, got '" + text + "'");
}

// An integer from 1 to `max`.
std::uint64_t parse_count(const std::string& flag, const std::string& text, std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > max) {
    usage_error(flag + " expects an integer from 1 to " + std::to_string(max) + ", got '" + text + "'");
  }
  return value;
}

// The flags that take a value: described to Boost from this list, and the pre-scan
// below knows them from it too.
constexpr std::array<std::string_view, 9> kValueFlags = {
    "config", "rois", "out", "channel", "slice", "plane", "max-frame-mib", "max-baseline-mib", "max-baseline-window"};

// Each flag's value as text, checked below.
po::options_description describe_options() {
  const auto text = [] { return po::value<std::vector<std::string>>(); };
  po::options_description options;
  options.add_options()("help,h", "")("quiet", "")("movie", text(), "");
  for (const std::string_view flag : kValueFlags) options.add_options()(std::string(flag).c_str(), text(), "");
  return options;
}

po::parsed_options parse_syntax(int argc, char** argv) {
  po::positional_options_description positional;
  positional.add("movie", -1);
  namespace style = po::command_line_style;
  try {
    return po::command_line_parser(argc, argv)
        .options(describe_options())
        .positional(positional)
        .style(style::allow_long | style::long_allow_next | style::allow_short | style::short_allow_next |
               style::allow_dash_for_short)
        .allow_unregistered()  // reported in command-line order below
        .run();
  } catch (const po::error& e) {
    usage_error(e.what());
  }
}

bool takes_value(std::string_view arg) {
  return arg.starts_with("--") && std::find(kValueFlags.begin(), kValueFlags.end(), arg.substr(2)) != kValueFlags.end();
}

// Where Boost.Program_options would read the command line otherwise than this program
// always did: a last flag without its value, "-" and "--" (for Boost a file name and the
// end of the options, here unknown options), "--flag=VALUE" and "-hx" (refused here). Returns how many arguments
// Boost may read and the mistake found at that point, reported after any earlier one.
std::pair<int, std::optional<std::string>> first_mistake_boost_misreads(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (takes_value(arg)) {
      if (i + 1 == argc) return {i, arg + " needs a value"};
      ++i;  // its value, whatever it looks like: "--out --" is a folder named "--"
    } else if (arg == "-" || arg == "--" || (arg.starts_with("--") && arg.find('=') != std::string::npos) ||
               (arg.starts_with("-") && !arg.starts_with("--") && arg.size() > 2)) {
      return {i, "unknown option " + arg};  // and "-" is no movie, "-hx" no -h
    }
  }
  return {argc, std::nullopt};
}

}  // namespace

Options parse_options(int argc, char** argv) {
  const auto [readable, late_mistake] = first_mistake_boost_misreads(argc, argv);
  const po::parsed_options parsed = parse_syntax(readable, argv);
  // In command-line order, so that the first mistake is the one reported and a flag
  // given twice keeps its last value.
  Options options;
  for (const po::option& option : parsed.options) {
    const std::string& name = option.string_key;
    const std::string flag = "--" + name;
    const std::string value = option.value.empty() ? std::string() : option.value.front();
    if (option.unregistered) {
      usage_error("unknown option " + option.original_tokens.front());
    } else if (name == "help") {
      std::cout << kAnalyzeUsage;
      std::exit(0);
    } else if (name == "config") {
      options.config = value;
    } else if (name == "rois") {
      options.rois.push_back(value);
    } else if (name == "out") {
      options.out = value;
    } else if (name == "channel") {
      options.channel = parse_int(flag, value);
    } else if (name == "slice" || name == "plane") {  // --plane: calmond's word for it
      options.slice = parse_int(flag, value);
    } else if (name == "max-frame-mib") {
      try {
        options.max_frame_bytes = calmon::parse_max_frame_mib(value);
      } catch (const calmon::Error& e) {
        usage_error(e.what());
      }
    } else if (name == "quiet") {
      options.quiet = true;
    } else if (name == "max-baseline-mib") {
      options.baseline_limits.max_bytes = parse_count(flag, value, std::uint64_t{1} << 20) << 20;
    } else if (name == "max-baseline-window") {
      options.baseline_limits.max_window =
          static_cast<std::int64_t>(parse_count(flag, value, calmon::MovingQuantile::kMaxWindow));
    } else if (options.movie.empty()) {
      options.movie = value;
    } else {
      usage_error("more than one movie given: '" + options.movie + "' and '" + value + "'");
    }
  }
  if (late_mistake) usage_error(*late_mistake);
  if (options.movie.empty()) usage_error("no movie given");
  if (options.out.empty()) usage_error("no output folder given (--out DIR)");
  return options;
}

}  // namespace calmon::analyze
