// frame_source.cc — the growing series and the folder of frames; see the header.
#include "follow/frame_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "io/prairieview_xml.h"

namespace calmon::follow {
namespace {

constexpr std::size_t kPagesPerPoll = 64;  // bounds the pages held in memory at once

bool exists(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0;
}

std::optional<std::uint64_t> size_of(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(status.st_size);
}

// Polls until nothing more is complete; the newest frame of `frames` and of those polls.
std::vector<SourcedFrame> newest_only(FrameSource& source, std::vector<SourcedFrame> frames) {
  std::vector<SourcedFrame> newest;
  for (; !frames.empty(); frames = source.poll()) {
    newest.clear();
    newest.push_back(std::move(frames.back()));
  }
  return newest;
}

}  // namespace

// --- a growing TIFF series ----------------------------------------------------------------

TiffSeriesSource::TiffSeriesSource(const std::string& first_file, std::size_t max_frame_bytes, Warn warn)
    : file_(std::make_unique<io::GrowingTiff>(first_file, max_frame_bytes)),
      max_frame_bytes_(max_frame_bytes),
      warn_(std::move(warn)) {}

std::vector<SourcedFrame> TiffSeriesSource::frames_of(std::vector<io::GrowingTiffPage> pages) const {
  std::vector<SourcedFrame> frames;
  frames.reserve(pages.size());
  for (io::GrowingTiffPage& page : pages) {
    const std::int64_t index = pages_before_ + page.index;
    frames.push_back({std::move(page), index, file_->path(), 0, std::nullopt});
  }
  return frames;
}

std::vector<SourcedFrame> TiffSeriesSource::poll() {
  std::vector<io::GrowingTiffPage> pages = file_->poll(kPagesPerPoll);
  if (!pages.empty()) return frames_of(std::move(pages));
  const std::optional<std::string> next = io::next_series_file_name(file_->path());
  if (!next || !exists(*next)) return {};
  // The writer moved on: what is complete of this file now is all of it. Its remaining
  // pages are returned first; the next poll finds none and moves to the next file.
  pages = file_->poll(kPagesPerPoll);
  if (!pages.empty()) return frames_of(std::move(pages));
  finish();
  pages_before_ += file_->pages_read();
  file_ = std::make_unique<io::GrowingTiff>(*next, max_frame_bytes_);
  return frames_of(file_->poll(kPagesPerPoll));
}

void TiffSeriesSource::finish() {
  try {
    file_->finish();
  } catch (const Error& e) {
    warn_(e.what());
  }
}

std::vector<SourcedFrame> TiffSeriesSource::skip_to_now() {
  std::optional<std::string> next = io::next_series_file_name(file_->path());
  while (next && exists(*next)) {
    // The pages of the files skipped are not counted: nothing of them is read.
    file_ = std::make_unique<io::GrowingTiff>(*next, max_frame_bytes_);
    next = io::next_series_file_name(*next);
  }
  return newest_only(*this, poll());
}

std::string TiffSeriesSource::waiting_line() const {
  return exists(file_->path()) ? "" : "waiting for " + file_->path() + " to appear";
}

// --- a folder of one file per frame -----------------------------------------------------

FrameFolderSource::FrameFolderSource(const std::string& folder, const std::string& glob, std::size_t max_frame_bytes,
                                     Warn warn)
    : folder_(folder), glob_(glob), max_frame_bytes_(max_frame_bytes), warn_(std::move(warn)) {
  std::error_code error;
  if (!std::filesystem::is_directory(folder_, error)) throw Error(folder_ + ": is not a folder");
}

std::vector<FrameFolderSource::Candidate> FrameFolderSource::list_candidates() {
  std::vector<std::string> listing;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, error)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".tmp")) continue;  // a file still being written under another name
    listing.push_back(std::move(name));
  }
  if (error) throw Error(folder_ + ": cannot list: " + error.message());

  // PrairieView's XML, if there: which files are complete, and their times.
  std::optional<io::PrairieViewScan> scan;
  if (glob_.empty()) {
    std::vector<std::string> xmls;
    for (const std::string& name : listing) {
      if (name.ends_with(".xml")) xmls.push_back(name);
    }
    std::sort(xmls.begin(), xmls.end(),
              [](const std::string& a, const std::string& b) { return io::natural_less(a, b); });
    if (!xmls.empty()) {
      std::ifstream in(folder_ + "/" + xmls.front(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      scan = io::parse_prairieview_xml(text.str());  // a problem in it ends the following: one line
    }
  }
  has_xml_ = scan.has_value();

  std::vector<io::FrameFile> files;
  if (!glob_.empty()) {
    files = io::glob_frame_files(listing, glob_);
  } else {
    // The XML's first channel, else the lowest channel number among the names.
    std::optional<std::uint32_t> channel;
    if (scan && !scan->channels.empty()) {
      channel = static_cast<std::uint32_t>(scan->channels.front());
    } else {
      for (const std::string& name : listing) {
        if (const auto file = io::parse_prairieview_frame_name(name)) {
          channel = channel ? std::min(*channel, file->channel) : file->channel;
        }
      }
    }
    if (channel) files = io::prairieview_channel_files(listing, *channel);
  }
  std::map<std::string, std::int64_t> listed;  // filename -> time, of the XML's complete frames
  if (scan) {
    for (const io::PrairieViewFrame& frame : scan->frames) {
      for (const io::PrairieViewFile& file : frame.files) {
        listed[std::filesystem::path(file.filename).filename().string()] = std::llround(frame.absolute_time_s * 1e9);
      }
    }
  }
  seen_files_ = seen_files_ || !files.empty();
  std::vector<Candidate> candidates;
  for (io::FrameFile& file : files) {
    if (last_sent_ && std::pair<std::uint64_t, std::uint64_t>(file.cycle, file.index) <= *last_sent_) continue;
    Candidate candidate;
    const auto time = listed.find(file.name);
    if (time != listed.end()) {
      candidate.listed = true;
      candidate.time_ns = time->second;
    }
    candidate.file = std::move(file);
    candidates.push_back(std::move(candidate));
  }
  return candidates;
}

std::optional<io::GrowingTiffPage> FrameFolderSource::read_if_complete(const Candidate& candidate, bool size_settled) {
  if (!(has_xml_ ? candidate.listed : size_settled)) return std::nullopt;
  io::GrowingTiff file(folder_ + "/" + candidate.file.name, max_frame_bytes_);
  std::vector<io::GrowingTiffPage> pages = file.poll(1);
  if (pages.empty()) return std::nullopt;
  if (!has_xml_) {
    try {
      file.finish();  // nothing cut off after the page: the file is whole
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  return std::move(pages.front());
}

// Whether the files missing before `candidate` in the listing are really not there: a
// listing taken while files are renamed into the folder can miss one, so each is asked
// for by name (and under its ".tmp" name).
bool FrameFolderSource::is_gap(const Candidate& candidate) const {
  const std::uint64_t index = candidate.file.index;
  for (std::uint64_t missing = 1; missing <= candidate.file.missing_before && missing <= index; ++missing) {
    const std::optional<std::string> name = io::file_name_with_number(candidate.file.name, index - missing);
    if (name && (exists(folder_ + "/" + *name) || exists(folder_ + "/" + *name + ".tmp"))) return false;
  }
  return true;
}

std::vector<SourcedFrame> FrameFolderSource::poll() {
  std::vector<SourcedFrame> frames;
  for (const Candidate& candidate : list_candidates()) {
    if (frames.size() >= kPagesPerPoll) break;
    const std::string path = folder_ + "/" + candidate.file.name;
    const std::optional<std::uint64_t> size = size_of(path);
    if (!size) break;
    if (!is_gap(candidate)) break;  // a file before it the listing missed: list again
    const auto seen = sizes_.find(candidate.file.name);
    const bool settled = seen != sizes_.end() && seen->second == *size && *size > 0;
    sizes_[candidate.file.name] = *size;
    std::optional<io::GrowingTiffPage> page;
    try {
      page = read_if_complete(candidate, settled);
    } catch (const Error& e) {  // not a TIFF, or not one calmon reads: skip it, keep following
      warn_(std::string(e.what()) + "; skipped");
      skipped_ += candidate.file.missing_before + 1;  // a gap, as if the file were missing
      last_sent_ = {candidate.file.cycle, candidate.file.index};
      sizes_.erase(candidate.file.name);
      continue;
    }
    if (!page) break;  // frames go in order: wait for this one
    const std::uint64_t missing = skipped_ + candidate.file.missing_before;
    skipped_ = 0;
    next_index_ += static_cast<std::int64_t>(missing);
    frames.push_back({std::move(*page), next_index_++, path, missing, candidate.time_ns});
    last_sent_ = {candidate.file.cycle, candidate.file.index};
    sizes_.erase(candidate.file.name);
  }
  return frames;
}

void FrameFolderSource::finish() {
  const std::vector<Candidate> left = list_candidates();
  if (!left.empty()) {
    warn_(folder_ + "/" + left.front().file.name + ": incomplete at the end" +
          (left.size() > 1 ? " (and " + std::to_string(left.size() - 1) + " files after it)" : "") + "; not sent");
  }
}

std::vector<SourcedFrame> FrameFolderSource::skip_to_now() {
  // Without an XML a file is complete only when its size is the same at two looks.
  std::vector<SourcedFrame> frames = poll();
  if (frames.empty()) frames = poll();
  return newest_only(*this, std::move(frames));
}

std::string FrameFolderSource::waiting_line() const {
  if (seen_files_) return "";
  return "waiting for " + (glob_.empty() ? std::string("PrairieView frame files") : "files matching " + glob_) +
         " in " + folder_;
}

}  // namespace calmon::follow
