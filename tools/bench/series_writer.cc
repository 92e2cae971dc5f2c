// series_writer.cc — the writer's loop: wait for the frame's time, stamp it, append it.
#include "series_writer.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <span>

#include "rig_sim/scanimage_writer.h"
#include "steady_ns.h"
#include "synth/synthetic_movie.h"

namespace calmon::bench {

SeriesWriter::SeriesWriter(SeriesSettings settings) : settings_(std::move(settings)) {
  synth::MovieParams params;
  params.frames = kDistinctFrames;
  params.width = settings_.shape.width;
  params.height = settings_.shape.height;
  params.seed = settings_.seed;
  const synth::SyntheticMovie movie(params);
  for (int k = 0; k < kDistinctFrames; ++k) {
    frames_.emplace_back(settings_.shape.pixel_count());
    movie.render<std::uint16_t>(k, std::span<std::uint16_t>(frames_.back()));
  }
  written_ns_.assign(static_cast<std::size_t>(settings_.frames), 0);
}

SeriesWriter::~SeriesWriter() {
  if (thread_.joinable()) thread_.join();
  for (std::thread& removal : removals_) removal.join();
}

std::string SeriesWriter::file_path(std::int64_t file_index) const {
  rig_sim::ScanImageAcquisition acquisition;
  acquisition.frames_per_file = settings_.frames_per_file;
  return (std::filesystem::path(settings_.folder) /
          rig_sim::scanimage_file_name(settings_.stem, acquisition, static_cast<int>(file_index)))
      .string();
}

void SeriesWriter::start(const std::atomic<std::int64_t>& followed) {
  thread_ = std::thread([this, &followed] {
    try {
      write_all(followed);
    } catch (...) {
      error_ = std::current_exception();
    }
  });
}

void SeriesWriter::join() {
  if (thread_.joinable()) thread_.join();
  for (std::thread& removal : removals_) removal.join();
  removals_.clear();
  if (error_) std::rethrow_exception(error_);
}

void SeriesWriter::remove_followed_files(std::int64_t below_file, const std::atomic<std::int64_t>& followed) {
  const std::int64_t newest = followed.load();
  const std::int64_t done = newest < 0 ? 0 : std::min(below_file, file_of(newest));  // files before the follower's
  std::vector<std::string> paths;
  for (; files_removed_ < done; ++files_removed_) paths.push_back(file_path(files_removed_));
  if (!paths.empty()) {
    removals_.emplace_back([paths = std::move(paths)] {
      for (const std::string& path : paths) ::unlink(path.c_str());
    });
  }
}

void SeriesWriter::write_all(const std::atomic<std::int64_t>& followed) {
  rig_sim::ScanImageAcquisition acquisition;
  acquisition.shape = settings_.shape;
  acquisition.volumes = settings_.frames;
  acquisition.volume_rate_hz = settings_.rate_hz;
  acquisition.frames_per_file = settings_.frames_per_file;
  const std::string header_text = rig_sim::scanimage_header_text(acquisition);
  const std::string roi_json = rig_sim::scanimage_roi_json(acquisition);
  std::unique_ptr<rig_sim::ScanImageTiffFile> file;
  std::int64_t file_index = -1;
  const auto started = std::chrono::steady_clock::now();
  started_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(started.time_since_epoch()).count();
  for (std::int64_t k = 0; k < settings_.frames; ++k) {
    const std::chrono::duration<double> due(static_cast<double>(k + 1) / settings_.rate_hz);
    std::this_thread::sleep_until(started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(due));
    if (file_of(k) != file_index) {
      if (file) file->close();
      file_index = file_of(k);
      remove_followed_files(file_index, followed);
      // BigTIFF, as ScanImage writes.
      file = std::make_unique<rig_sim::ScanImageTiffFile>(file_path(file_index), true, header_text, roi_json);
    }
    std::vector<std::uint16_t>& pixels = frames_[static_cast<std::size_t>(k % kDistinctFrames)];
    pixels[0] = static_cast<std::uint16_t>(k & 0xFFFF);
    pixels[1] = static_cast<std::uint16_t>((k >> 16) & 0xFFFF);
    const double timestamp_s = static_cast<double>(k) / settings_.rate_hz;
    file->append(FrameView<std::uint16_t>(pixels.data(), settings_.shape),
                 rig_sim::scanimage_frame_description(acquisition, k, timestamp_s, ""));
    written_ns_[static_cast<std::size_t>(k)] = steady_now_ns();
  }
  if (file) file->close();
}

}  // namespace calmon::bench
