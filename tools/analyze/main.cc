// calmon-analyze — the notebook's whole analysis of a TIFF movie, offline.
//
// Reads the movie frame by frame and pushes each frame through the same Pipeline the
// daemon runs, so its files are what a live session records: per-ROI traces (F, Fneu,
// Fcorr, F0 and ΔF/F₀ live and settled), global neuropil traces, projections and kept
// frames, in the layout of docs/output.md. Prints a summary per ROI. The config's
// baselines are held to calmond's baseline limits (config/roi_limits.h) before the movie
// is opened, so an absurd window is one line, not gigabytes of memory. Each frame's time
// in seconds comes from core/session_clock.h fed as calmond feeds it (the frame's index
// as its sequence number, the file's frame time and declared rate from
// io/movie_time_base.h), so time.npy holds the seconds a live session of the same movie has.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "analyze_options.h"
#include "calmon/output.pb.h"
#include "config/config_file.h"
#include "config/json_message.h"
#include "config/roi_import.h"
#include "config/roi_limits.h"
#include "core/error.h"
#include "core/frame_copies.h"
#include "core/frame_size_limit.h"
#include "core/motion_correction.h"
#include "core/motion_extent.h"
#include "core/pipeline.h"
#include "core/session_clock.h"
#include "io/motion_files.h"
#include "io/movie_time_base.h"
#include "io/npy_writer.h"
#include "io/progress_bar.h"
#include "io/projection_files.h"
#include "io/tiff_movie_reader.h"
#include "io/trace_files.h"
#include "roi_summary.h"

namespace {

using calmon::analyze::Options;

// Negative kept-frame indices count from the end, like numpy's data[-1].
std::vector<std::int64_t> resolve_kept_frames(const std::vector<std::int64_t>& requested, std::int64_t frames) {
  std::vector<std::int64_t> resolved;
  for (std::int64_t t : requested) {
    const std::int64_t index = t < 0 ? t + frames : t;
    if (index < 0 || index >= frames) {
      throw calmon::Error("keep_frames: frame " + std::to_string(t) + " is outside the movie's " +
                          std::to_string(frames) + " frames");
    }
    resolved.push_back(index);
  }
  return resolved;
}

// A fixed frame range must lie inside the movie, as kept frames must: numpy's data[b:e]
// would silently hold fewer frames, or none, and so would the projection.
void check_projection_ranges(const std::vector<calmon::ProjectionSpec>& projections, std::int64_t frames) {
  for (const calmon::ProjectionSpec& spec : projections) {
    if (spec.frames != calmon::ProjectionSpec::Frames::kRange) continue;
    const std::string what = "projection '" + spec.name + "': frame range " + std::to_string(spec.begin) + ":" +
                             (spec.end ? std::to_string(*spec.end) : "");
    if (spec.begin >= frames) {
      throw calmon::Error(what + " begins after the movie's " + std::to_string(frames) + " frames");
    }
    if (spec.end && *spec.end > frames) {
      throw calmon::Error(what + " ends after the movie's " + std::to_string(frames) + " frames");
    }
  }
}

// libtiff's warnings about the movie, on stderr: each distinct one once, a few at most;
// on a line of their own, below the progress line if there is one.
void print_movie_warnings(calmon::io::TiffMovieReader& movie, const std::string& path,
                          calmon::io::ProgressBar* progress = nullptr) {
  const std::vector<std::string> warnings = movie.take_warnings();
  if (progress && !warnings.empty()) progress->break_line();
  for (const std::string& warning : warnings) {
    std::cerr << "calmon-analyze: warning: " << path << ": libtiff: " << warning << "\n";
  }
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw calmon::Error(path + ": cannot write");
}

// rois.json: what each column of the trace files is. A message printed through
// protobuf's JSON mapping, so a name with a quote or a backslash is escaped.
std::string describe_rois(const calmon::Pipeline& pipeline, const calmon::SessionClock& clock) {
  calmon::pb::RoisFile file;
  const auto& rois = pipeline.settings().rois;
  for (std::size_t i = 0; i < rois.size(); ++i) {
    calmon::pb::RoiColumn& column = *file.add_rois();
    column.set_index(static_cast<std::int32_t>(i));
    column.set_name(rois[i].name);
    column.set_region(rois[i].region.describe());
    column.set_neuropil(rois[i].neuropil.describe());
    const std::optional<calmon::Region>& neuropil = pipeline.neuropil_region(i);
    column.set_neuropil_pixels(neuropil ? static_cast<std::int32_t>(neuropil->pixel_count()) : 0);
    column.set_baseline(rois[i].baseline.describe());
  }
  file.set_frames(static_cast<double>(pipeline.frames()));
  file.set_width(pipeline.shape().width);
  file.set_height(pipeline.shape().height);
  file.set_pixel_type(std::string(calmon::pixel_type_name(pipeline.pixel_type())));
  file.set_time_source(std::string(calmon::time_source_name(clock.source())));
  file.set_frame_rate_hz(clock.rate_hz());
  return calmon::config::print_json_message(file, {.indented = true});
}

// The summary line of what motion correction did over the movie.
void print_motion_summary(const calmon::MotionExtent& extent, const calmon::MotionCorrection& motion) {
  const std::string reference =
      !motion.has_reference() ? "no reference"
      : motion.reference_frames_used()
          ? "reference from the first " + std::to_string(motion.reference_frames_used()) + " frames"
          : "reference from the config's file";
  std::printf(
      "motion: %llu of %llu frames registered (%llu used unshifted), largest shift |dy| %.2f px, |dx| %.2f px; "
      "%s\n",
      static_cast<unsigned long long>(extent.registered), static_cast<unsigned long long>(extent.frames()),
      static_cast<unsigned long long>(extent.unshifted), extent.max_abs_dy, extent.max_abs_dx, reference.c_str());
}

// The motion reference from the movie's first frames (read once more, in order, after).
void build_motion_reference(calmon::MotionCorrection& motion, calmon::io::TiffMovieReader& movie,
                            const Options& options) {
  const std::int64_t count =
      std::min<std::int64_t>(movie.info().frames, static_cast<std::int64_t>(motion.reference_frames_wanted()));
  calmon::FrameCopies first;
  for (std::int64_t t = 0; t < count; ++t) first.add(movie.read(t, options.channel, options.slice));
  try {
    motion.build_reference(first.views());
  } catch (const calmon::Error& e) {  // as calmond: the movie is still analysed, unregistered
    std::cerr << "calmon-analyze: warning: " << e.what() << "; frames are analysed unregistered\n";
  }
}

// time.npy: each frame's seconds from the first; none (and an old one removed) when the
// movie has no time base, so that a folder analysed again never keeps another movie's times.
void write_times(const std::string& out, const std::vector<double>& times) {
  const std::string path = out + "/time.npy";
  if (times.empty()) {
    std::filesystem::remove(path);
    return;
  }
  calmon::io::write_npy<double>(path, times);
}

// The config's ROIs replaced by those of the --rois files, read for the movie's frame; the
// readers' warnings on stderr.
void take_roi_files(calmon::pb::Config& config, const std::vector<std::string>& files, calmon::FrameShape frame) {
  std::vector<std::string> warnings;
  calmon::config::ImportContext context;
  context.frame = frame;
  context.warnings = &warnings;
  calmon::pb::RoiSet rois = calmon::config::import_rois(files, context);
  config.mutable_rois()->Swap(rois.mutable_rois());
  for (const std::string& line : warnings) std::cerr << "calmon-analyze: " << line << "\n";
}

int run(const Options& options) {
  const auto started = std::chrono::steady_clock::now();
  calmon::pb::Config config;
  if (options.config) config = calmon::config::load_config(*options.config);

  calmon::io::TiffMovieReader movie(options.movie, options.max_frame_bytes);
  const calmon::io::TiffMovieInfo& info = movie.info();
  if (!options.rois.empty()) take_roi_files(config, options.rois, info.shape);
  calmon::config::check_baseline_limits(config, options.baseline_limits);
  calmon::PipelineSettings settings = calmon::config::to_pipeline_settings(config);
  calmon::SessionClock clock(settings.frame_rate_hz);
  print_movie_warnings(movie, options.movie);
  if (options.channel >= info.channels) {
    throw calmon::Error(options.movie + ": channel " + std::to_string(options.channel) + " requested, the movie has " +
                        std::to_string(info.channels));
  }
  if (options.slice >= info.slices) {
    throw calmon::Error(options.movie + ": slice " + std::to_string(options.slice) + " requested, the movie has " +
                        std::to_string(info.slices));
  }
  const calmon::io::MovieTimeBase time_base = calmon::io::read_movie_time_base(movie, options.channel, options.slice);
  for (const std::string& reason : time_base.rate.ignored) {
    std::cerr << "calmon-analyze: warning: " << options.movie << ": " << reason << "\n";
  }
  std::vector<double> times;
  settings.keep_frames = resolve_kept_frames(settings.keep_frames, info.frames);
  check_projection_ranges(settings.projections, info.frames);
  const std::vector<std::int64_t> kept_frames = settings.keep_frames;
  std::optional<calmon::MotionCorrection> motion;
  if (settings.motion) motion.emplace(*settings.motion, info.shape);
  const calmon::PixelType analysed_type = calmon::analysed_pixel_type(settings.motion, info.pixel_type);
  calmon::Pipeline pipeline(std::move(settings), info.shape, analysed_type);
  if (motion && !motion->has_reference()) build_motion_reference(*motion, movie, options);

  std::filesystem::create_directories(options.out);
  calmon::io::TraceFiles traces(options.out, pipeline.roi_count(), pipeline.settings().global_traces);
  std::optional<calmon::io::MotionFiles> motion_files;
  if (motion) motion_files.emplace(options.out, motion->block_rows(), motion->block_cols());
  std::vector<float> registered(motion ? info.shape.pixel_count() : 0);
  calmon::MotionExtent motion_extent;
  // The frame the pipeline sees: as read, or registered onto the motion reference.
  const auto analysed_frame = [&](calmon::AnyFrameView frame) -> calmon::AnyFrameView {
    if (!motion) return frame;
    const calmon::FrameMotion moved = motion->correct(frame, registered);
    motion_files->append(moved);
    motion_extent.add(moved);
    return calmon::FrameView<float>(registered.data(), info.shape);
  };
  calmon::analyze::RoiSummary summary(pipeline.roi_count());
  calmon::SettledRow settled;
  const auto drain_settled = [&] {
    while (pipeline.pop_settled(settled)) {
      traces.append_settled(settled);
      summary.add_settled(settled);
    }
  };
  // A long movie takes a while: on a terminal, a progress line on stderr counts the frames.
  calmon::io::ProgressBar progress(stderr, !options.quiet && isatty(STDERR_FILENO) == 1);
  const auto progress_state = [&](std::int64_t analysed) {
    return calmon::io::ProgressState{analysed, info.frames, 0,
                                     std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()};
  };
  for (std::int64_t t = 0; t < info.frames; ++t) {
    // The frame's index is its sequence number, as calmon-replay numbers the frames it sends.
    const std::optional<double> time_s =
        clock.time_s(static_cast<std::uint64_t>(t), time_base.frame_time_s(t), time_base.rate.hz);
    if (time_s) times.push_back(*time_s);
    const calmon::FrameResult& result = pipeline.push(analysed_frame(movie.read(t, options.channel, options.slice)));
    traces.append_live(result);
    summary.add_live(result);
    drain_settled();
    print_movie_warnings(movie, options.movie, &progress);
    progress.update(progress_state(t + 1), std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::steady_clock::now().time_since_epoch())
                                               .count());
  }
  progress.finish(progress_state(info.frames));
  pipeline.finish();
  drain_settled();
  traces.flush();
  if (motion) {
    motion_files->flush();
    if (motion->has_reference()) calmon::io::write_image(options.out + "/reference", motion->reference());
  }
  calmon::io::write_projections(options.out, pipeline.projections(), kept_frames);
  if (const calmon::LocalCorrelation* correlation = pipeline.local_correlation()) {
    calmon::io::write_image(options.out + "/correlation", correlation->image());
  }
  write_times(options.out, times);
  write_text(options.out + "/rois.json", describe_rois(pipeline, clock));
  write_text(options.out + "/config.json", calmon::config::to_json(config));

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!options.quiet) {
    std::printf("calmon-analyze: %s: %lld frames of %dx%d %s, %zu ROIs, %.2f s (%.0f frames/s) -> %s\n",
                options.movie.c_str(), static_cast<long long>(info.frames), info.shape.width, info.shape.height,
                std::string(calmon::pixel_type_name(info.pixel_type)).c_str(), pipeline.roi_count(), seconds,
                static_cast<double>(info.frames) / seconds, options.out.c_str());
    if (!times.empty()) {
      std::printf("time: %.3f s from the first frame to the last (time source: %s) -> time.npy\n", times.back(),
                  std::string(calmon::time_source_name(clock.source())).c_str());
    }
    if (motion) print_motion_summary(motion_extent, *motion);
    if (pipeline.roi_count() > 0) summary.print(std::cout, pipeline.settings());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = calmon::analyze::parse_options(argc, argv);
  try {
    return run(options);
  } catch (const calmon::Error& e) {
    std::cerr << "calmon-analyze: " << e.what() << "\n";
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "calmon-analyze: " << e.what() << "\n";
  }
  return 1;
}
