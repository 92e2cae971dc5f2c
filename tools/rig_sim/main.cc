// calmon-rig-sim — plays an acquisition program at a rig: writes its files page by page, at its pace.
//
//   calmon-rig-sim OUT_DIR --scanimage [--name STEM] [--channels C] [--planes Z] [--volumes V]
//                  [--rate VOLUMES_PER_S] [--frames-per-file N] [--bigtiff] [--ifd-first]
//                  [--pause-mid-page PAGE:SECONDS] [--width W] [--height H] [--seed S]
//                  [--distinct-frames N] [--input MOVIE.tif] [--quiet]
//   calmon-rig-sim OUT_DIR --prairieview [--name SERIES] [--in-place] [--xml-at-end] and the
//                  options above that are not ScanImage's own
//
// --scanimage writes a ScanImage-style series (scanimage_writer.h) of the synthetic movie
// (synth/synthetic_movie.h): frame k of the acquisition is the movie's frame k, plane
// k mod Z, and channel c adds 1000·c + 100·z to every pixel (saturating), so a page of the
// wrong channel or plane is told apart at a glance. Timestamps are k / frame rate, the
// rig's clock; pages reach the file when their frame's scan ends (paced by --rate, or as
// fast as possible with --rate 0, whose files still say 30 volumes/s). Rendering a frame
// of the movie takes time (about 40 ms at 512x512), so --distinct-frames N renders N
// frames before the first is written and repeats them: frame k shows movie frame k mod N.
// --input MOVIE.tif writes a uint16 movie instead: frame k is its frame k mod its length.
// --prairieview writes the same frames as a PrairieView-style folder (prairieview_writer.h):
// one OME-TIFF per frame and channel (channels Ch1..ChC, channel c's pixels
// rig_sim::channel_pixel of the movie's) and the XML growing frame by frame.
// Exit status: 0 done, 1 a file could not be written, 2 a bad command line.
#include <boost/program_options.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "io/tiff_movie_reader.h"
#include "prairieview_writer.h"
#include "scanimage_writer.h"
#include "synth/synthetic_movie.h"

namespace {

namespace po = boost::program_options;
using calmon::Error;
using calmon::rig_sim::ScanImageAcquisition;
using calmon::rig_sim::ScanImageTiffFile;

const char* const kUsage =
    "usage: calmon-rig-sim OUT_DIR --scanimage [--name STEM] [--channels C] [--planes Z]\n"
    "                      [--volumes V] [--rate VOLUMES_PER_S] [--frames-per-file N] [--bigtiff]\n"
    "                      [--ifd-first] [--pause-mid-page PAGE:SECONDS] [--width W] [--height H]\n"
    "                      [--seed S] [--distinct-frames N] [--input MOVIE.tif] [--quiet]\n"
    "       calmon-rig-sim OUT_DIR --prairieview [--name SERIES] [--in-place] [--xml-at-end]\n"
    "                      [--channels C] [--planes Z] [--volumes V] [--rate VOLUMES_PER_S]\n"
    "                      [--width W] [--height H] [--seed S] [--distinct-frames N] [--input MOVIE.tif]\n"
    "Writes files into OUT_DIR as an acquisition program at a rig does, page by page.\n"
    "--scanimage: a ScanImage-style TIFF series STEM_00001_00001.tif, _00002.tif, ... (STEM\n"
    "  'rig'; one file STEM_00001.tif without --frames-per-file) of the synthetic movie, in\n"
    "  ScanImage's page order: C saved channels (1), Z planes per volume (1; fast z when > 1),\n"
    "  V volumes (100) at --rate volumes/s (30; 0 = as fast as possible, the files saying 30).\n"
    "  --frames-per-file N rolls over to the next file every N frames (one frame: every\n"
    "  channel of one plane). Channel c of plane z adds 1000*c + 100*z to the movie's pixels.\n"
    "  Each page's pixels and description are written before the IFD that points to them,\n"
    "  then linked; --ifd-first links the IFD first and writes the pixels after it.\n"
    "  --pause-mid-page PAGE:SECONDS sleeps halfway through the pixels of page PAGE (0-based,\n"
    "  counted over the series). Frames are 80x60 uint16 (--width, --height), --seed 1.\n"
    "  --distinct-frames N renders N movie frames before writing and repeats them (frame k\n"
    "  shows movie frame k mod N), for rates the movie's generator cannot keep up with.\n"
    "  --input MOVIE.tif writes that uint16 movie instead (its first channel and slice):\n"
    "  frame k is its frame k mod its length, at its frame size.\n"
    "--prairieview: a PrairieView-style folder, SERIES_Cycle00001_Ch1_000001.ome.tif, ... (SERIES\n"
    "  'TSeries-rig-001'; one OME-TIFF per frame and channel Ch1..ChC, a multi-plane series for\n"
    "  Z > 1) and SERIES.xml with each frame's times, appended frame by frame (--xml-at-end:\n"
    "  written once at the end). Each file is written as NAME.tmp and renamed when complete\n"
    "  (--in-place: written under its own name). Channel c stores v*c + 1000*(c-1) of the\n"
    "  movie's value v.\n"
    "Prints each file's path when it starts, and a summary at the end (--quiet: only the summary).\n";

struct UsageError {
  std::string message;
};

enum class Layout { kScanImage, kPrairieView };

struct Options {
  Layout layout = Layout::kScanImage;
  std::string out_dir;
  std::string stem = "rig";
  bool in_place = false;    // PrairieView: files written under their own names
  bool xml_at_end = false;  // PrairieView: the XML written once, at the end
  ScanImageAcquisition acquisition;
  double rate = 30;  // volumes/s; 0: as fast as possible
  bool bigtiff = false;
  bool ifd_first = false;
  std::optional<std::int64_t> pause_page;
  double pause_s = 0;
  std::uint64_t seed = 1;
  std::int64_t distinct_frames = 0;  // 0: every frame rendered as it is written
  std::string input;                 // a uint16 movie to write instead of the synthetic one
  bool quiet = false;
};

std::optional<Options> parse_options(int argc, char** argv) {
  po::options_description described;
  // clang-format off
  // One option per line: clang-format 14 would run the chain together.
  described.add_options()
      ("help,h", "")
      ("scanimage", "")
      ("prairieview", "")
      ("in-place", "")
      ("xml-at-end", "")
      ("out-dir", po::value<std::string>(), "")
      ("name", po::value<std::string>(), "")
      ("channels", po::value<int>(), "")
      ("planes", po::value<int>(), "")
      ("volumes", po::value<std::int64_t>(), "")
      ("rate", po::value<double>(), "")
      ("frames-per-file", po::value<std::int64_t>(), "")
      ("bigtiff", "")
      ("ifd-first", "")
      ("pause-mid-page", po::value<std::string>(), "")
      ("width", po::value<int>(), "")
      ("height", po::value<int>(), "")
      ("seed", po::value<std::uint64_t>(), "")
      ("distinct-frames", po::value<std::int64_t>(), "")
      ("input", po::value<std::string>(), "")
      ("quiet", "");
  // clang-format on
  po::positional_options_description positional;
  positional.add("out-dir", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(described).positional(positional).run(), vm);
  } catch (const po::error& e) {
    throw UsageError{std::string(e.what()) + " (see --help)"};
  }
  if (vm.count("help")) return std::nullopt;
  Options o;
  if (!vm.count("out-dir")) throw UsageError{"missing OUT_DIR (see --help)"};
  if (vm.count("scanimage") == vm.count("prairieview")) {
    throw UsageError{"choose what to write: --scanimage or --prairieview (see --help)"};
  }
  o.layout = vm.count("prairieview") ? Layout::kPrairieView : Layout::kScanImage;
  const std::vector<const char*> scanimage_only = {"frames-per-file", "bigtiff", "ifd-first", "pause-mid-page"},
                                 prairieview_only = {"in-place", "xml-at-end"};
  const bool scanimage = o.layout == Layout::kScanImage;
  for (const char* flag : scanimage ? prairieview_only : scanimage_only) {
    if (vm.count(flag)) {
      throw UsageError{std::string("--") + flag + " is for " + (scanimage ? "--prairieview" : "--scanimage") +
                       " (see --help)"};
    }
  }
  if (o.layout == Layout::kPrairieView) o.stem = "TSeries-rig-001";
  o.in_place = vm.count("in-place") > 0;
  o.xml_at_end = vm.count("xml-at-end") > 0;
  o.out_dir = vm["out-dir"].as<std::string>();
  ScanImageAcquisition& a = o.acquisition;
  a.volumes = 100;
  a.shape = {80, 60};
  if (vm.count("name")) o.stem = vm["name"].as<std::string>();
  if (o.stem.empty() || o.stem.find('/') != std::string::npos)
    throw UsageError{"--name: not a file stem: '" + o.stem + "'"};
  if (vm.count("channels")) a.channels = vm["channels"].as<int>();
  if (a.channels < 1 || a.channels > 16) throw UsageError{"--channels: not 1 to 16: " + std::to_string(a.channels)};
  if (vm.count("planes")) a.planes = vm["planes"].as<int>();
  if (a.planes < 1 || a.planes > 1000) throw UsageError{"--planes: not 1 to 1000: " + std::to_string(a.planes)};
  if (vm.count("volumes")) a.volumes = vm["volumes"].as<std::int64_t>();
  if (a.volumes < 1) throw UsageError{"--volumes: not a positive number: " + std::to_string(a.volumes)};
  if (vm.count("rate")) o.rate = vm["rate"].as<double>();
  if (!(o.rate >= 0) || o.rate > 10'000)
    throw UsageError{"--rate: not 0 to 10000 volumes/s: " + std::to_string(o.rate)};
  a.volume_rate_hz = o.rate > 0 ? o.rate : 30;
  if (vm.count("frames-per-file")) a.frames_per_file = vm["frames-per-file"].as<std::int64_t>();
  if (a.frames_per_file < 0) {
    throw UsageError{"--frames-per-file: not 0 (no rollover) or more: " + std::to_string(a.frames_per_file)};
  }
  if (vm.count("width")) a.shape.width = vm["width"].as<int>();
  if (vm.count("height")) a.shape.height = vm["height"].as<int>();
  if (vm.count("seed")) o.seed = vm["seed"].as<std::uint64_t>();
  if (vm.count("distinct-frames")) o.distinct_frames = vm["distinct-frames"].as<std::int64_t>();
  if (vm.count("input")) {
    o.input = vm["input"].as<std::string>();
    for (const char* flag : {"width", "height", "seed", "distinct-frames"}) {
      if (vm.count(flag))
        throw UsageError{std::string("--") + flag + " is the synthetic movie's; --input gives the frames"};
    }
  }
  if (o.distinct_frames < 0 || o.distinct_frames > 100'000) {
    throw UsageError{"--distinct-frames: not 0 to 100000: " + std::to_string(o.distinct_frames)};
  }
  o.bigtiff = vm.count("bigtiff") > 0;
  o.ifd_first = vm.count("ifd-first") > 0;
  o.quiet = vm.count("quiet") > 0;
  if (vm.count("pause-mid-page")) {
    const std::string text = vm["pause-mid-page"].as<std::string>();
    const std::size_t colon = text.find(':');
    try {
      std::size_t used_page = 0, used_seconds = 0;
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      o.pause_page = std::stoll(text.substr(0, colon), &used_page);
      o.pause_s = std::stod(text.substr(colon + 1), &used_seconds);
      if (used_page != colon || used_seconds != text.size() - colon - 1 || *o.pause_page < 0 || !(o.pause_s >= 0)) {
        throw std::invalid_argument("rest");
      }
    } catch (const std::logic_error&) {
      throw UsageError{"--pause-mid-page: not PAGE:SECONDS: '" + text + "'"};
    }
  }
  return o;
}

std::string start_epoch() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return "[" + std::to_string(utc.tm_year + 1900) + " " + std::to_string(utc.tm_mon + 1) + " " +
         std::to_string(utc.tm_mday) + " " + std::to_string(utc.tm_hour) + " " + std::to_string(utc.tm_min) + " " +
         std::to_string(utc.tm_sec) + "]";
}

// Where frame k's pixels come from: the synthetic movie, rendered as each frame is
// written or --distinct-frames of it rendered ahead and repeated; or an input movie,
// frame k mod its length.
using FrameSource = std::function<void(std::int64_t k, std::span<std::uint16_t> pixels)>;

FrameSource synthetic_source(const Options& o) {
  const ScanImageAcquisition& a = o.acquisition;
  calmon::synth::MovieParams params;
  const std::int64_t movie_frames = o.distinct_frames > 0 ? std::min(o.distinct_frames, a.frames()) : a.frames();
  params.frames = movie_frames;
  params.width = a.shape.width;
  params.height = a.shape.height;
  params.seed = o.seed;
  params.frame_rate_hz = std::min(a.frame_rate_hz(), calmon::synth::MovieParams::kMaxFrameRateHz);
  auto movie = std::make_shared<const calmon::synth::SyntheticMovie>(params);  // checks the size: calmon::Error
  if (o.distinct_frames == 0) return [movie](std::int64_t k, std::span<std::uint16_t> out) { movie->render(k, out); };
  const std::size_t n = a.shape.pixel_count();
  auto rendered = std::make_shared<std::vector<std::uint16_t>>(static_cast<std::size_t>(movie_frames) * n);
  for (std::int64_t k = 0; k < movie_frames; ++k) {
    movie->render<std::uint16_t>(k, std::span<std::uint16_t>(*rendered).subspan(static_cast<std::size_t>(k) * n, n));
  }
  return [rendered, movie_frames, n](std::int64_t k, std::span<std::uint16_t> out) {
    const auto first = rendered->begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(k % movie_frames) * n);
    std::copy(first, first + static_cast<std::ptrdiff_t>(n), out.begin());
  };
}

// An input movie of uint16 frames (its first channel and slice); sets the frame shape.
FrameSource input_source(const std::string& path, ScanImageAcquisition& a) {
  auto reader = std::make_shared<calmon::io::TiffMovieReader>(path);
  const calmon::io::TiffMovieInfo& info = reader->info();
  if (info.pixel_type != calmon::PixelType::kU16) {
    throw Error(path + ": --input needs a uint16 movie, this one is " +
                std::string(calmon::pixel_type_name(info.pixel_type)));
  }
  a.shape = info.shape;
  return [reader](std::int64_t k, std::span<std::uint16_t> out) {
    const calmon::AnyFrameView frame = reader->read(k % reader->info().frames);
    const auto* pixels = static_cast<const std::uint16_t*>(frame.data());
    std::copy(pixels, pixels + out.size(), out.begin());
  };
}

int write_scanimage(Options o) {
  const FrameSource source = o.input.empty() ? synthetic_source(o) : input_source(o.input, o.acquisition);
  const ScanImageAcquisition& a = o.acquisition;

  std::error_code error;
  std::filesystem::create_directories(o.out_dir, error);
  if (error) throw Error(o.out_dir + ": cannot create directory: " + error.message());
  const std::string header_text = calmon::rig_sim::scanimage_header_text(a);
  const std::string roi_json = calmon::rig_sim::scanimage_roi_json(a);
  const std::string epoch = start_epoch();
  const auto order = o.ifd_first ? calmon::rig_sim::PageOrder::kIfdFirst : calmon::rig_sim::PageOrder::kDataFirst;

  std::vector<std::uint16_t> base(a.shape.pixel_count());
  std::vector<std::uint16_t> page(a.shape.pixel_count());
  std::unique_ptr<ScanImageTiffFile> file;
  int file_index = -1;
  std::int64_t page_index = 0;
  const auto started = std::chrono::steady_clock::now();
  for (std::int64_t k = 0; k < a.frames(); ++k) {
    const int index = a.frames_per_file > 0 ? static_cast<int>(k / a.frames_per_file) : 0;
    if (index != file_index) {
      if (file) file->close();
      file_index = index;
      const std::string path =
          (std::filesystem::path(o.out_dir) / calmon::rig_sim::scanimage_file_name(o.stem, a, file_index)).string();
      file = std::make_unique<ScanImageTiffFile>(path, o.bigtiff, header_text, roi_json, order);
      if (!o.quiet) std::cout << "calmon-rig-sim: writing " << path << std::endl;
    }
    const double timestamp_s = static_cast<double>(k) / a.frame_rate_hz();
    if (o.rate > 0) {  // the frame is written when its scan ends
      const double due_s = static_cast<double>(k + 1) / a.frame_rate_hz();
      std::this_thread::sleep_until(started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                  std::chrono::duration<double>(due_s)));
    }
    source(k, base);
    const int plane = static_cast<int>(k % a.planes);
    const std::string description = calmon::rig_sim::scanimage_frame_description(a, k, timestamp_s, epoch);
    for (int c = 0; c < a.channels; ++c) {
      const int offset = 1000 * c + 100 * plane;
      for (std::size_t i = 0; i < base.size(); ++i)
        page[i] = static_cast<std::uint16_t>(std::min(base[i] + offset, 65535));
      const bool pause_here = o.pause_page && *o.pause_page == page_index;
      const auto pause = [&] {
        std::cout << "calmon-rig-sim: pausing " << o.pause_s << " s in the middle of page " << page_index << std::endl;
        std::this_thread::sleep_for(std::chrono::duration<double>(o.pause_s));
      };
      file->append(calmon::FrameView<std::uint16_t>(page.data(), a.shape), description,
                   pause_here ? std::function<void()>(pause) : nullptr);
      ++page_index;
    }
  }
  file->close();
  std::cout << "calmon-rig-sim: wrote " << page_index << " pages (" << a.channels << " channel(s) x " << a.planes
            << " plane(s) x " << a.volumes << " volume(s)) of " << a.shape.width << "x" << a.shape.height
            << " uint16 at " << a.volume_rate_hz << " volumes/s" << (o.rate > 0 ? "" : " (written as fast as possible)")
            << " into " << file_index + 1 << " file(s) " << o.stem << "_*.tif in " << o.out_dir
            << (o.bigtiff ? ", BigTIFF" : "") << "\n";
  return 0;
}

int write_prairieview(Options o) {
  const FrameSource source = o.input.empty() ? synthetic_source(o) : input_source(o.input, o.acquisition);
  const ScanImageAcquisition& a = o.acquisition;
  calmon::rig_sim::PrairieViewOptions pv;
  pv.folder = o.out_dir;
  pv.series_name = o.stem;
  pv.shape = a.shape;
  pv.channels.clear();
  for (int c = 1; c <= a.channels; ++c) pv.channels.push_back(static_cast<std::uint32_t>(c));
  pv.planes = static_cast<std::uint32_t>(a.planes);
  pv.volumes = static_cast<std::uint64_t>(a.volumes);
  pv.frame_period_s = 1.0 / a.frame_rate_hz();
  pv.paced = o.rate > 0;
  pv.files = o.in_place ? calmon::rig_sim::FileAppearance::kWrittenInPlace
                        : calmon::rig_sim::FileAppearance::kRenamedWhenComplete;
  pv.xml = o.xml_at_end ? calmon::rig_sim::XmlWriting::kAtTheEnd : calmon::rig_sim::XmlWriting::kGrowsWithEachFrame;
  const auto planes = static_cast<std::uint64_t>(a.planes);
  const calmon::rig_sim::PrairieViewSeries series = calmon::rig_sim::write_prairieview_series(
      pv, [&](std::uint64_t volume, std::uint32_t plane, std::span<std::uint16_t> pixels) {
        source(static_cast<std::int64_t>(volume * planes + plane), pixels);
      });
  if (!o.quiet) std::cout << "calmon-rig-sim: wrote " << series.xml_path << std::endl;
  std::cout << "calmon-rig-sim: wrote " << series.frames << " frames (" << a.channels << " channel(s) x " << a.planes
            << " plane(s) x " << a.volumes << " volume(s)) of " << a.shape.width << "x" << a.shape.height
            << " uint16 at " << a.volume_rate_hz << " volumes/s" << (o.rate > 0 ? "" : " (written as fast as possible)")
            << " as a PrairieView-style folder " << o.out_dir << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options;
  try {
    options = parse_options(argc, argv);
  } catch (const UsageError& error) {
    std::cerr << "calmon-rig-sim: " << error.message << "\n";
    return 2;
  }
  if (!options) {
    std::cout << kUsage;
    return 0;
  }
  try {
    return options->layout == Layout::kScanImage ? write_scanimage(*options) : write_prairieview(*options);
  } catch (const std::exception& error) {
    std::cerr << "calmon-rig-sim: " << error.what() << "\n";
    return 1;
  }
}
