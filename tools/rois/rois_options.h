// rois_options.h — calmon-rois's command line: `import`, `export` and `suite2p-export`, and their options.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/command_line.h"

namespace calmon::rois_tool {

extern const cli::CommandLine kRoisCommandLine;

struct ImportOptions {
  std::vector<std::string> files;
  std::optional<std::string> out;  // none: JSON on stdout
  std::optional<int> width;
  std::optional<int> height;
  std::optional<std::string> movie;
  // Suite2p and CaImAn (roi_formats.h's ImportContext).
  std::optional<double> iscell_threshold;
  bool all_rois = false;
  bool allow_overlap = false;
  double footprint_threshold = 0.0;
};

struct Suite2pExportOptions {
  std::string in_folder;
  std::string out_folder;
};

struct ExportOptions {
  std::optional<std::string> from_config;
  std::optional<std::string> daemon;  // control endpoint
  std::string server_key_file;        // CURVE, with --daemon: both or neither
  std::string client_key_file;
  std::string out;
};

struct RoisOptions {
  std::optional<ImportOptions> import;
  std::optional<ExportOptions> export_;
  std::optional<Suite2pExportOptions> suite2p_export;
};

// Exits 0 after --help, 2 on a mistake (cli/command_line.h).
RoisOptions parse_rois_options(int argc, char** argv);

}  // namespace calmon::rois_tool
