// calmon-rois — ROIs of other programs in and out of calmon (docs/rois.md).
//
// `import` reads ImageJ/Fiji `.roi` files and RoiSet.zip (and calmon's own JSON) into
// calmon's ROI-set JSON, the pixels being those ImageJ measures; `export` writes the ROIs
// of a config or of a running calmond as a RoiSet.zip that ImageJ and Fiji open, or as
// JSON. The formats are a table (roi_formats.h); the command line is rois_options.h.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "config/json_message.h"
#include "config/roi_formats.h"
#include "config/roi_import.h"
#include "core/error.h"
#include "io/tiff_movie_reader.h"
#include "net/curve_client.h"
#include "roi_export.h"
#include "rois_options.h"
#include "suite2p_export.h"

namespace {

using namespace calmon::rois_tool;
using calmon::config::format_of;
using calmon::config::ImportContext;
using calmon::config::RoiFormat;

constexpr std::chrono::milliseconds kDaemonDeadline{5000};

// The readers' and writers' warnings, printed "calmon-rois: warning: ..." on stderr when
// the command ends, before its error if it fails.
struct Warnings {
  std::vector<std::string> lines;
  void print() {
    for (const std::string& line : lines) std::cerr << "calmon-rois: " << line << "\n";
    lines.clear();
  }
  ~Warnings() { print(); }
};

int run_import(const ImportOptions& options) {
  Warnings warnings;
  ImportContext context;
  context.warnings = &warnings.lines;
  if (options.width) context.frame = calmon::FrameShape{*options.width, *options.height};
  if (options.movie) context.frame = calmon::io::TiffMovieReader(*options.movie).info().shape;
  context.iscell_threshold = options.iscell_threshold;
  context.all_rois = options.all_rois;
  context.allow_overlap = options.allow_overlap;
  context.footprint_threshold = options.footprint_threshold;
  // Suite2p's mean image goes beside the output, OUT_reference.npy (only with -o).
  if (options.out)
    context.reference_path = std::filesystem::path(*options.out).replace_extension().string() + "_reference.npy";
  const calmon::pb::RoiSet set = calmon::config::import_rois(options.files, context);
  if (!options.out) {
    std::cout << calmon::config::print_json_message(set, {.indented = false, .defaults = false}) << "\n";
    return 0;
  }
  format_of(*options.out, true).write(set, *options.out, warnings.lines);
  warnings.print();
  std::cerr << "calmon-rois: wrote " << set.rois_size() << " ROIs to " << *options.out << "\n";
  return 0;
}

int run_export(const ExportOptions& options) {
  const RoiFormat& format = format_of(options.out, true);  // a wrong name fails before any work
  const calmon::pb::RoiSet set =
      options.from_config
          ? rois_of_config(*options.from_config)
          : rois_of_daemon(*options.daemon, kDaemonDeadline,
                           calmon::net::load_curve_client_keys(options.server_key_file, options.client_key_file));
  Warnings warnings;
  format.write(set, options.out, warnings.lines);
  warnings.print();
  std::cerr << "calmon-rois: wrote " << set.rois_size() << " ROIs to " << options.out << "\n";
  return 0;
}

int run_suite2p_export(const Suite2pExportOptions& options) {
  const std::size_t rois = export_suite2p(options.in_folder, options.out_folder, std::cerr);
  std::cerr << "calmon-rois: wrote " << rois << " ROIs in Suite2p's layout to " << options.out_folder << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const RoisOptions options = parse_rois_options(argc, argv);
  return kRoisCommandLine.run(
      [&] {
        if (options.suite2p_export) return run_suite2p_export(*options.suite2p_export);
        return options.import ? run_import(*options.import) : run_export(*options.export_);
      },
      1);
}
