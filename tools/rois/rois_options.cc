// rois_options.cc — calmon-rois's two commands and their options; see the header.
#include "rois_options.h"

#include <boost/program_options.hpp>

#include <cstring>

#include "config/roi_formats.h"
#include "net/curve_client.h"

namespace calmon::rois_tool {
namespace {

namespace po = boost::program_options;

const std::string kUsage =
    "usage: calmon-rois import FILE... [-o OUT.json] [--width W --height H | --movie MOVIE.tif]\n"
    "                          [--iscell-threshold P | --all] [--allow-overlap] [--threshold T]\n"
    "       calmon-rois export (--from CONFIG.json | --daemon ENDPOINT [--server-key FILE --client-key FILE])\n"
    "                          -o OUT.zip|OUT.json\n"
    "       calmon-rois suite2p-export IN_FOLDER OUT_FOLDER\n"
    "\n"
    "import: ROI files of other programs as calmon's ROI set ({\"rois\": [...]}, what a\n"
    "config and set_rois take), on stdout or in OUT.json. With the frame size (given, or\n"
    "the movie's) every ROI is checked to lie inside the frame.\n"
    "export: the ROIs of a config, or of a running calmond (its control endpoint, e.g.\n"
    "tcp://127.0.0.1:5572), as an ImageJ RoiSet.zip or calmon's JSON.\n"
    "suite2p-export: the traces and ROIs of a calmon-analyze output folder or a recording\n"
    "in Suite2p's layout (F.npy, Fneu.npy, stat.npy, iscell.npy, ops.npy).\n"
    "\n"
    "Formats, by the file's name:\n" +
    config::describe_formats();

// argv without the command word: what Boost parses for one command.
std::vector<char*> without_command(int argc, char** argv) {
  std::vector<char*> args;
  args.push_back(argv[0]);
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  return args;
}

ImportOptions parse_import(int argc, char** argv) {
  po::options_description named;
  // One option per line, which clang-format would run together.
  // clang-format off
  named.add_options()
      ("help,h", "this text")
      ("out,o", po::value<std::string>(), "write the ROI set to OUT.json instead of stdout")
      ("width", po::value<int>(), "the frame's width in pixels (with --height)")
      ("height", po::value<int>(), "the frame's height in pixels (with --width)")
      ("movie", po::value<std::string>(), "take the frame size from this TIFF movie")
      ("iscell-threshold", po::value<double>(), "Suite2p: keep the ROIs whose iscell.npy probability is at least P "
                                                "(default: those it calls cells)")
      ("all", "Suite2p: keep every ROI of stat.npy, cell or not")
      ("allow-overlap", "Suite2p: keep the pixels an ROI shares with another (Suite2p leaves them out)")
      ("threshold", po::value<double>(), "CaImAn: leave out pixels below T times the footprint's largest value "
                                         "(0 to 1; default 0: every nonzero pixel)");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("files", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("files", -1);
  const po::variables_map values = kRoisCommandLine.parse(argc, argv, named, hidden, positional);
  ImportOptions options;
  if (!values.count("files")) kRoisCommandLine.usage_error("import: no ROI file given");
  options.files = values["files"].as<std::vector<std::string>>();
  if (values.count("out")) options.out = values["out"].as<std::string>();
  if (values.count("width")) options.width = values["width"].as<int>();
  if (values.count("height")) options.height = values["height"].as<int>();
  if (values.count("movie")) options.movie = values["movie"].as<std::string>();
  if (options.width.has_value() != options.height.has_value()) {
    kRoisCommandLine.usage_error("import: --width and --height go together");
  }
  if (values.count("iscell-threshold")) options.iscell_threshold = values["iscell-threshold"].as<double>();
  options.all_rois = values.count("all") > 0;
  options.allow_overlap = values.count("allow-overlap") > 0;
  if (values.count("threshold")) options.footprint_threshold = values["threshold"].as<double>();
  if (options.iscell_threshold && options.all_rois) {
    kRoisCommandLine.usage_error("import: give --iscell-threshold or --all, not both");
  }
  if (!(options.footprint_threshold >= 0.0 && options.footprint_threshold <= 1.0)) {
    kRoisCommandLine.usage_error("import: --threshold must be between 0 and 1");
  }
  if (options.width && options.movie)
    kRoisCommandLine.usage_error("import: give --width/--height or --movie, not both");
  if (options.width && (*options.width < 1 || *options.height < 1)) {
    kRoisCommandLine.usage_error("import: --width and --height must be at least 1");
  }
  return options;
}

ExportOptions parse_export(int argc, char** argv) {
  po::options_description named;
  // clang-format off
  named.add_options()
      ("help,h", "this text")
      ("from", po::value<std::string>(), "the config or ROI-set JSON file whose ROIs to export")
      ("daemon", po::value<std::string>(), "the control endpoint of a running calmond, e.g. tcp://127.0.0.1:5572")
      ("server-key", po::value<std::string>(), "with --daemon and CURVE on: calmond's public key file (calmond.key)")
      ("client-key", po::value<std::string>(), "with --daemon and CURVE on: this client's secret key file (NAME.key_secret)")
      ("out,o", po::value<std::string>(), "the file to write: OUT.zip (ImageJ RoiSet) or OUT.json");
  // clang-format on
  const po::variables_map values = kRoisCommandLine.parse(argc, argv, named);
  ExportOptions options;
  if (values.count("from")) options.from_config = values["from"].as<std::string>();
  if (values.count("daemon")) options.daemon = values["daemon"].as<std::string>();
  if (options.from_config.has_value() == options.daemon.has_value()) {
    kRoisCommandLine.usage_error("export: give one of --from CONFIG.json or --daemon ENDPOINT");
  }
  if (values.count("server-key")) options.server_key_file = values["server-key"].as<std::string>();
  if (values.count("client-key")) options.client_key_file = values["client-key"].as<std::string>();
  if (const auto problem =
          net::curve_client_flags_problem(values.count("server-key") > 0, values.count("client-key") > 0)) {
    kRoisCommandLine.usage_error("export: " + *problem);
  }
  if (!options.server_key_file.empty() && !options.daemon) {
    kRoisCommandLine.usage_error("export: --server-key and --client-key go with --daemon");
  }
  if (!values.count("out")) kRoisCommandLine.usage_error("export: no output file given (-o OUT.zip or OUT.json)");
  options.out = values["out"].as<std::string>();
  return options;
}

Suite2pExportOptions parse_suite2p_export(int argc, char** argv) {
  po::options_description named;
  named.add_options()("help,h", "this text");
  po::options_description hidden;
  hidden.add_options()("folders", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("folders", -1);
  const po::variables_map values = kRoisCommandLine.parse(argc, argv, named, hidden, positional);
  const std::vector<std::string> folders =
      values.count("folders") ? values["folders"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (folders.size() != 2) kRoisCommandLine.usage_error("suite2p-export: give IN_FOLDER and OUT_FOLDER");
  return {folders[0], folders[1]};
}

}  // namespace

const cli::CommandLine kRoisCommandLine("calmon-rois", kUsage);

RoisOptions parse_rois_options(int argc, char** argv) {
  if (argc < 2) kRoisCommandLine.usage_error("no command given: import or export");
  const std::string command = argv[1];
  if (command == "--help" || command == "-h") {
    po::options_description none;
    none.add_options()("help,h", "this text");
    kRoisCommandLine.parse(argc, argv, none);  // prints the usage and exits 0
  }
  std::vector<char*> args = without_command(argc, argv);
  const int count = static_cast<int>(args.size());
  RoisOptions options;
  if (command == "import") {
    options.import = parse_import(count, args.data());
  } else if (command == "export") {
    options.export_ = parse_export(count, args.data());
  } else if (command == "suite2p-export") {
    options.suite2p_export = parse_suite2p_export(count, args.data());
  } else {
    kRoisCommandLine.usage_error("unknown command '" + command + "': import, export or suite2p-export");
  }
  return options;
}

}  // namespace calmon::rois_tool
