// calmon-rois — ROIs of other programs in and out of calmon (docs/rois.md).
//
// `import` reads ImageJ/Fiji `.roi` files and RoiSet.zip (and calmon's own JSON) into
// calmon's ROI-set JSON, the pixels being those ImageJ measures; `export` writes the ROIs
// of a config or of a running calmond as a RoiSet.zip that ImageJ and Fiji open, or as
// JSON. The formats are a table (roi_formats.h); the command line is rois_options.h.
#include <chrono>
#include <fstream>
#include <iostream>

#include "config/json_message.h"
#include "core/error.h"
#include "io/tiff_movie_reader.h"
#include "net/curve_client.h"
#include "roi_export.h"
#include "roi_formats.h"
#include "roi_import.h"
#include "rois_options.h"

namespace {

using namespace calmon::rois_tool;

constexpr std::chrono::milliseconds kDaemonDeadline{5000};

int run_import(const ImportOptions& options) {
  ImportContext context;
  context.warnings = &std::cerr;
  if (options.width) context.frame = calmon::FrameShape{*options.width, *options.height};
  if (options.movie) context.frame = calmon::io::TiffMovieReader(*options.movie).info().shape;
  const calmon::pb::RoiSet set = import_rois(options.files, context);
  if (!options.out) {
    std::cout << calmon::config::print_json_message(set, {.indented = false, .defaults = false}) << "\n";
    return 0;
  }
  format_of(*options.out, true).write(set, *options.out, std::cerr);
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
  format.write(set, options.out, std::cerr);
  std::cerr << "calmon-rois: wrote " << set.rois_size() << " ROIs to " << options.out << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const RoisOptions options = parse_rois_options(argc, argv);
  return kRoisCommandLine.run(
      [&] { return options.import ? run_import(*options.import) : run_export(*options.export_); }, 1);
}
