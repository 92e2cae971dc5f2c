// frame_source.cc — the growing series and the folder of frames; see the header.
#include "follow/frame_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
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

// Polls until nothing more is complete; of `frames` and those polls, the newest frame that
// `starts_here` accepts and every frame after it (without one: the newest frame).
std::vector<SourcedFrame> newest_only(FrameSource& source, std::vector<SourcedFrame> frames,
                                      const StartsHere& starts_here) {
  std::vector<SourcedFrame> kept;
  bool accepted = false;  // kept starts with an accepted frame
  for (; !frames.empty(); frames = source.poll()) {
    std::size_t start = frames.size();
    while (start > 0 && !starts_here(frames[start - 1])) --start;
    if (start > 0) {
      kept.clear();
      accepted = true;
      std::move(frames.begin() + static_cast<std::ptrdiff_t>(start - 1), frames.end(), std::back_inserter(kept));
    } else if (accepted) {
      std::move(frames.begin(), frames.end(), std::back_inserter(kept));
    } else {
      kept.clear();
      kept.push_back(std::move(frames.back()));
    }
  }
  return kept;
}

// PVScan's date, "12/2/2026 12:00:00 PM" (month/day/year, 12-hour clock), in the
// computer's local time: ns since the Unix epoch; nullopt if it does not read so.
std::optional<std::int64_t> prairieview_date_ns(const std::string& date) {
  int month = 0, day = 0, year = 0, hour = 0, minute = 0, second = 0;
  char half[3] = {};
  if (std::sscanf(date.c_str(), "%d/%d/%d %d:%d:%d %2s", &month, &day, &year, &hour, &minute, &second, half) != 7) {
    return std::nullopt;
  }
  const std::string am_pm(half);
  if ((am_pm != "AM" && am_pm != "PM") || hour < 1 || hour > 12) return std::nullopt;
  std::tm time{};
  time.tm_year = year - 1900;
  time.tm_mon = month - 1;
  time.tm_mday = day;
  time.tm_hour = hour % 12 + (am_pm == "PM" ? 12 : 0);
  time.tm_min = minute;
  time.tm_sec = second;
  time.tm_isdst = -1;
  const std::time_t start = std::mktime(&time);
  if (start == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<std::int64_t>(start) * 1'000'000'000;
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
    frames.push_back({std::move(page), index, file_->path(), 0, std::nullopt, std::nullopt, 0});
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

std::vector<SourcedFrame> TiffSeriesSource::skip_to_now(const StartsHere& starts_here) {
  std::optional<std::string> previous;
  std::optional<std::string> next = io::next_series_file_name(file_->path());
  while (next && exists(*next)) {
    // The pages of the files skipped are not counted: nothing of them is read.
    previous = file_->path();
    file_ = std::make_unique<io::GrowingTiff>(*next, max_frame_bytes_);
    next = io::next_series_file_name(*next);
  }
  std::vector<SourcedFrame> frames = newest_only(*this, poll(), starts_here);
  if (previous && (frames.empty() || !starts_here(frames.front()))) {
    // The newest file holds no page to start at yet (a new file begun with other planes):
    // start in the file before it, and go on into the newest.
    file_ = std::make_unique<io::GrowingTiff>(*previous, max_frame_bytes_);
    frames = newest_only(*this, poll(), starts_here);
  }
  return frames;
}

std::string TiffSeriesSource::waiting_line() const {
  return exists(file_->path()) ? "" : "waiting for " + file_->path() + " to appear";
}

// --- a folder of one file per frame -----------------------------------------------------

FrameFolderSource::FrameFolderSource(const std::string& folder, const std::string& glob, int channel, int plane,
                                     std::size_t max_frame_bytes, Warn warn)
    : folder_(folder),
      glob_(glob),
      channel_(channel),
      plane_(plane),
      max_frame_bytes_(max_frame_bytes),
      warn_(std::move(warn)) {
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
    // The channel_-th of the XML's channels, else of the channel numbers among the names.
    std::vector<std::uint32_t> channels;
    if (scan && !scan->channels.empty()) {
      for (const int c : scan->channels) channels.push_back(static_cast<std::uint32_t>(c));
      if (static_cast<std::size_t>(channel_) >= channels.size()) {
        std::string names;
        for (const std::uint32_t c : channels) names += (names.empty() ? "Ch" : ", Ch") + std::to_string(c);
        throw Error(folder_ + ": --channel " + std::to_string(channel_) + " requested, the series has " +
                    std::to_string(channels.size()) + " channel" + (channels.size() == 1 ? "" : "s") + " (" + names +
                    ")");
      }
    } else {
      for (const std::string& name : listing) {
        if (const auto file = io::parse_prairieview_frame_name(name)) channels.push_back(file->channel);
      }
      std::sort(channels.begin(), channels.end());
      channels.erase(std::unique(channels.begin(), channels.end()), channels.end());
    }
    if (static_cast<std::size_t>(channel_) < channels.size()) {
      files = io::prairieview_channel_files(listing, channels[static_cast<std::size_t>(channel_)]);
    }
  }
  // A multi-plane series: the files of the plane followed, one a volume. Its planes are
  // known once the XML has begun the second volume (or is complete).
  multi_plane_ = scan && scan->sequence_type.find("ZSeries") != std::string::npos;
  if (multi_plane_ && !scan->frames.empty()) {
    const int first_cycle = scan->frames.front().cycle;
    std::size_t planes = 0;
    while (planes < scan->frames.size() && scan->frames[planes].cycle == first_cycle) ++planes;
    if ((planes < scan->frames.size() || scan->complete) && static_cast<std::size_t>(plane_) >= planes) {
      throw Error(folder_ + ": --plane " + std::to_string(plane_) + " requested, the series has " +
                  std::to_string(planes) + " plane" + (planes == 1 ? "" : "s"));
    }
  }
  if (scan && !scan->frames.empty() && !multi_plane_ && plane_ > 0) {
    throw Error(folder_ + ": --plane " + std::to_string(plane_) + " requested, the series has 1 plane (" +
                (scan->sequence_type.empty() ? std::string("no ZSeries") : scan->sequence_type) + ")");
  }
  if (multi_plane_) {
    std::erase_if(files,
                  [&](const io::FrameFile& file) { return file.index != static_cast<std::uint64_t>(plane_) + 1; });
  } else if (plane_ > 0) {
    files.clear();  // no XML yet to say which files are that plane's
  }
  // filename -> (seconds from the first frame, acquisition time), of the XML's complete frames.
  std::map<std::string, std::pair<double, std::optional<std::int64_t>>> listed;
  if (scan) {
    // framePeriod is per frame, i.e. per plane; a plane of a multi-plane series comes once
    // a volume, at a rate the XML does not state.
    frame_rate_hz_ = multi_plane_ ? 0 : scan->frame_rate_hz();
    const std::optional<std::int64_t> start_ns = prairieview_date_ns(scan->date);
    for (std::size_t i = 0; i < scan->frames.size(); ++i) {
      const double seconds = scan->seconds_from_first(i);
      std::optional<std::int64_t> time_ns;
      if (start_ns) time_ns = *start_ns + std::llround(seconds * 1e9);
      for (const io::PrairieViewFile& file : scan->frames[i].files) {
        listed[std::filesystem::path(file.filename).filename().string()] = {seconds, time_ns};
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
      candidate.frame_time_s = time->second.first;
      candidate.time_ns = time->second.second;
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
  if (multi_plane_) return true;  // files the XML lists: there
  const std::uint64_t index = candidate.file.index;
  for (std::uint64_t missing = 1; missing <= candidate.file.missing_before && missing <= index; ++missing) {
    const std::optional<std::string> name = io::file_name_with_number(candidate.file.name, index - missing);
    if (name && (exists(folder_ + "/" + *name) || exists(folder_ + "/" + *name + ".tmp"))) return false;
  }
  return true;
}

std::uint64_t FrameFolderSource::missing_before(const Candidate& candidate) const {
  if (!multi_plane_) return candidate.file.missing_before;
  const std::uint64_t last_cycle = last_sent_ ? last_sent_->first : 0;
  return candidate.file.cycle > last_cycle + 1 ? candidate.file.cycle - last_cycle - 1 : 0;
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
      skipped_ += missing_before(candidate) + 1;  // a gap, as if the file were missing
      last_sent_ = {candidate.file.cycle, candidate.file.index};
      sizes_.erase(candidate.file.name);
      continue;
    }
    if (!page) break;  // frames go in order: wait for this one
    const std::uint64_t missing = skipped_ + missing_before(candidate);
    skipped_ = 0;
    next_index_ += static_cast<std::int64_t>(missing);
    frames.push_back(
        {std::move(*page), next_index_++, path, missing, candidate.time_ns, candidate.frame_time_s, frame_rate_hz_});
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

std::vector<SourcedFrame> FrameFolderSource::skip_to_now(const StartsHere& starts_here) {
  // Without an XML a file is complete only when its size is the same at two looks.
  std::vector<SourcedFrame> frames = poll();
  if (frames.empty()) frames = poll();
  return newest_only(*this, std::move(frames), starts_here);
}

std::string FrameFolderSource::waiting_line() const {
  if (seen_files_) return "";
  return "waiting for " + (glob_.empty() ? std::string("PrairieView frame files") : "files matching " + glob_) +
         " in " + folder_;
}

}  // namespace calmon::follow
