// synth_options.cc — Boost.Program_options for the syntax, then calmon-synth's checks.
//
// Every value is taken as text and checked here, in command-line order, so the
// messages stay those of the hand-written parser this replaced (its --help and
// tests/unit/synth_cli_test.cc): the first mistake is the one reported, a flag given
// twice keeps its last value, and both --flag VALUE and --flag=VALUE work.
#include "synth_options.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/pixel_type.h"

namespace calmon::synth_tool {

const char* const kSynthUsage =
    "usage: calmon-synth OUT_DIR [--frames N] [--width W] [--height H] [--seed S] [--rate HZ]\n"
    "                    [--pixel-type uint8|uint16|int16|uint32|float32|float64] [--bigtiff]\n"
    "                    [--motion] [--motion-drift PX] [--motion-walk PX] [--motion-jitter PX]\n"
    "                    [--motion-warp PX] [--motion-seed S] [--noise-free] [--quiet]\n"
    "Writes OUT_DIR/movie.tif, a deterministic synthetic calcium-imaging movie, and its\n"
    "ground truth in OUT_DIR/truth/ (cells.json, masks.npy, weights.npy, spikes.npy,\n"
    "dff.npy, neuropil.npy, drift.npy). Defaults: 2000 frames, 80x60, seed 1, 30 Hz, uint16.\n"
    "--motion moves the field of view (drift 2 px, walk 1 px, jitter 1 px unless a\n"
    "--motion-* flag, which implies --motion, says otherwise) and writes the true shift of\n"
    "each frame to truth/motion.npy. --motion-warp PX (implies --motion) bends the image\n"
    "too, by up to PX px, smoothly across the frame, and writes the true displacement of\n"
    "every pixel to truth/displacement.npy. --noise-free leaves out shot and read noise.\n"
    "On a terminal a progress line on stderr shows the frames written; --quiet hides it.\n";

namespace {

namespace po = boost::program_options;

template <class T> T parse_integer(std::string_view flag, std::string_view text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw UsageError{std::string(flag) + ": not a valid number: '" + std::string(text) + "'"};
  }
  return value;
}

double parse_double(std::string_view flag, std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw UsageError{std::string(flag) + ": not a valid number: '" + std::string(text) + "'"};
  }
  return value;
}

// The flags that take a value: described to Boost from this list, and the pre-scan
// below knows them from it too.
constexpr std::array<std::string_view, 11> kValueFlags = {"frames",        "width",       "height",       "seed",
                                                          "rate",          "pixel-type",  "motion-drift", "motion-walk",
                                                          "motion-jitter", "motion-seed", "motion-warp"};

po::options_description describe_options() {
  const auto text = [] { return po::value<std::string>(); };
  po::options_description options;
  options.add_options()("help,h", "")("bigtiff", "")("quiet", "")("motion", "")("noise-free", "")("out-dir", text(),
                                                                                                  "");
  for (const std::string_view flag : kValueFlags) options.add_options()(std::string(flag).c_str(), text(), "");
  return options;
}

// The flag as typed, without "=VALUE".
std::string flag_of(const std::string& token) { return token.substr(0, token.find('=')); }

po::parsed_options parse_syntax(int argc, const char* const argv[]) {
  po::positional_options_description positional;
  positional.add("out-dir", -1);
  namespace style = po::command_line_style;
  try {
    return po::command_line_parser(argc, argv)
        .options(describe_options())
        .positional(positional)
        .style(style::allow_long | style::long_allow_next | style::long_allow_adjacent | style::allow_short |
               style::short_allow_next | style::allow_dash_for_short)
        .allow_unregistered()  // reported in command-line order below
        .run();
  } catch (const po::error_with_option_name& e) {
    throw UsageError{"unknown option '" + flag_of(e.get_option_name()) + "' (see --help)"};  // "--bigtiff=1"
  } catch (const po::error& e) {
    throw UsageError{e.what()};
  }
}

bool takes_value(std::string_view flag) {
  return flag.starts_with("--") &&
         std::find(kValueFlags.begin(), kValueFlags.end(), flag.substr(2)) != kValueFlags.end();
}

// Where Boost.Program_options would read the command line otherwise than this program
// always did: a last flag without its value, "-" and "--" (for Boost a file name and the
// end of the options, here unknown options), "-hx", "--flag=" with an empty value (an error in
// Boost's words) and "--switch=VALUE". Returns how many arguments Boost may read and the
// mistake found at that point, reported after any earlier one.
std::pair<int, std::optional<std::string>> first_mistake_boost_misreads(int argc, const char* const argv[]) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::string flag = flag_of(arg);
    if (takes_value(arg)) {
      if (i + 1 == argc) return {i, arg + ": missing value"};
      ++i;  // its value, whatever it looks like
    } else if (arg == "-" || arg == "--" || (arg.starts_with("-") && !arg.starts_with("--") && arg.size() > 2)) {
      return {i, "unknown option '" + flag + "' (see --help)"};  // and "-hx" is no -h
    } else if (arg.starts_with("--") && flag != arg) {
      if (!takes_value(flag)) return {i, "unknown option '" + flag + "' (see --help)"};
      if (flag.size() + 1 == arg.size()) {
        return {i, flag == "--pixel-type" ? "--pixel-type: unknown type ''" : flag + ": not a valid number: ''"};
      }
    }
  }
  return {argc, std::nullopt};
}

}  // namespace

Options parse_options(int argc, const char* const argv[]) {
  const auto [readable, late_mistake] = first_mistake_boost_misreads(argc, argv);
  const po::parsed_options parsed = parse_syntax(readable, argv);
  // In command-line order, so that the first mistake is the one reported and a flag
  // given twice keeps its last value.
  Options options;
  std::optional<std::string> out_dir;
  for (const po::option& option : parsed.options) {
    const std::string& name = option.string_key;
    const std::string flag = "--" + name;
    const std::string value = option.value.empty() ? std::string() : option.value.front();
    calmon::synth::MovieParams& p = options.params;
    if (option.unregistered) {
      throw UsageError{"unknown option '" + flag_of(option.original_tokens.front()) + "' (see --help)"};
    } else if (name == "help") {
      options.help = true;
      return options;
    } else if (name == "bigtiff") {
      options.bigtiff = true;
    } else if (name == "quiet") {
      options.quiet = true;
    } else if (name == "out-dir") {
      if (out_dir) throw UsageError{"more than one OUT_DIR: '" + *out_dir + "' and '" + value + "'"};
      out_dir = value;
    } else if (name == "frames") {
      p.frames = parse_integer<std::int64_t>(flag, value);
    } else if (name == "width") {
      p.width = parse_integer<int>(flag, value);
    } else if (name == "height") {
      p.height = parse_integer<int>(flag, value);
    } else if (name == "seed") {
      p.seed = parse_integer<std::uint64_t>(flag, value);
    } else if (name == "rate") {
      p.frame_rate_hz = parse_double(flag, value);
    } else if (name == "motion") {
      p.motion.on = true;
    } else if (name == "motion-drift") {
      p.motion.on = true;
      p.motion.drift_px = parse_double(flag, value);
    } else if (name == "motion-walk") {
      p.motion.on = true;
      p.motion.walk_px = parse_double(flag, value);
    } else if (name == "motion-jitter") {
      p.motion.on = true;
      p.motion.jitter_px = parse_double(flag, value);
    } else if (name == "motion-warp") {
      p.motion.on = true;
      p.motion.warp_px = parse_double(flag, value);
    } else if (name == "motion-seed") {
      p.motion.on = true;
      p.motion.seed = parse_integer<std::uint64_t>(flag, value);
    } else if (name == "noise-free") {
      p.noise_free = true;
    } else if (name == "pixel-type") {
      const auto type = calmon::pixel_type_from_name(value);
      if (!type) throw UsageError{"--pixel-type: unknown type '" + value + "'"};
      p.pixel_type = *type;
    }
  }
  if (late_mistake) throw UsageError{*late_mistake};
  if (!out_dir) throw UsageError{"missing OUT_DIR (see --help)"};
  options.out_dir = *out_dir;
  try {
    options.params.validate();
  } catch (const Error& error) {
    throw UsageError{error.what()};
  }
  return options;
}

}  // namespace calmon::synth_tool
