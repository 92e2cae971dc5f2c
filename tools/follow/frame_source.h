// frame_source.h — where calmon-follow's frames come from: a growing TIFF series or a folder.
//
// The follow loop (follower.h) asks its source for the frames that are complete now,
// sends them, and otherwise waits; the two sources differ only in what "complete" means
// and in what order frames come:
//   - TiffSeriesSource: the pages of one growing multi-page TIFF (io/growing_tiff.h),
//     then, when the next file of the series appears (io/frame_file_order.h's
//     next_series_file_name), the rest of that file's complete pages and the next file.
//   - FrameFolderSource: one file per frame in a folder, PrairieView's names (with its
//     XML's frame times when the XML is there) or any glob, in acquisition order
//     (io/frame_file_order.h). A file is complete when the XML lists it, or, without an
//     XML, when its size did not change since the previous look AND it parses as a whole
//     TIFF page. "*.tmp" names are never read. A file that never appears is a gap: the
//     next one carries how many are missing before it (after asking for each by name: a
//     listing taken while files are renamed into the folder can miss one). A file that is
//     not a TIFF is skipped with one line, and is a gap too.
// Problems that end the following (a frame size change, a series file that is not a TIFF)
// are calmon::Error; lines that do not (a cut-off page, a skipped file) go to `warn`.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/frame_file_order.h"
#include "io/growing_tiff.h"

namespace calmon::follow {

struct SourcedFrame {
  io::GrowingTiffPage page;
  std::int64_t series_index = 0;                    // its number in the series (across files, gaps counted)
  std::string path;                                 // the file it came from
  std::uint64_t missing_before = 0;                 // frames missing just before it (a gap)
  std::optional<std::int64_t> acquisition_time_ns;  // from the acquisition's metadata, if any
  std::optional<double> frame_time_s;               // the acquisition's clock (PrairieView's XML), if known
  double frame_rate_hz = 0;                         // the source's declared rate, 0 if unknown
};

// --from-now: whether following may start at this frame.
using StartsHere = std::function<bool(const SourcedFrame& frame)>;

using Warn = std::function<void(const std::string& line)>;

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The frames complete now, in order (a bounded number at a time).
  virtual std::vector<SourcedFrame> poll() = 0;
  // The writer is gone: report what is cut off.
  virtual void finish() = 0;
  // --from-now: drops what is complete now before the newest frame that `starts_here`
  // accepts, and returns that frame and those after it (if none is accepted: the newest).
  virtual std::vector<SourcedFrame> skip_to_now(const StartsHere& starts_here) = 0;
  // One line saying what it waits for when nothing is there yet ("" if something is).
  virtual std::string waiting_line() const = 0;
};

class TiffSeriesSource : public FrameSource {
 public:
  TiffSeriesSource(const std::string& first_file, std::size_t max_frame_bytes, Warn warn);
  std::vector<SourcedFrame> poll() override;
  void finish() override;
  std::vector<SourcedFrame> skip_to_now(const StartsHere& starts_here) override;
  std::string waiting_line() const override;

 private:
  std::vector<SourcedFrame> frames_of(std::vector<io::GrowingTiffPage> pages) const;
  std::unique_ptr<io::GrowingTiff> file_;
  std::int64_t pages_before_ = 0;  // in the series' files before file_
  std::size_t max_frame_bytes_;
  Warn warn_;
};

class FrameFolderSource : public FrameSource {
 public:
  // glob empty: PrairieView's names of the `channel`-th channel (from 0) of those the XML
  // names, or without an XML of the channel numbers present (waiting while fewer are). In
  // a multi-plane series (the XML's "TSeries ZSeries Element"), only the files of `plane`
  // (from 0; the Frame index − 1), one a volume; a plane above 0 waits for the XML.
  FrameFolderSource(const std::string& folder, const std::string& glob, int channel, int plane,
                    std::size_t max_frame_bytes, Warn warn);
  std::vector<SourcedFrame> poll() override;
  void finish() override;
  std::vector<SourcedFrame> skip_to_now(const StartsHere& starts_here) override;
  std::string waiting_line() const override;

 private:
  struct Candidate {
    io::FrameFile file;
    std::optional<std::int64_t> time_ns;  // the XML's date + the frame's time, if the XML has a date
    std::optional<double> frame_time_s;   // from the XML: absoluteTime − the first frame's
    bool listed = false;                  // the XML lists it: complete
  };
  std::vector<Candidate> list_candidates();
  bool is_gap(const Candidate& candidate) const;
  // Frames of the plane followed missing just before `candidate`: indices in its cycle, or
  // in a multi-plane series whole volumes (cycles).
  std::uint64_t missing_before(const Candidate& candidate) const;
  // The file's one page if it is complete; nullopt to wait. Throws calmon::Error if it is no TIFF.
  std::optional<io::GrowingTiffPage> read_if_complete(const Candidate& candidate, bool size_settled);

  std::string folder_;
  std::string glob_;
  int channel_;
  int plane_;
  bool multi_plane_ = false;  // the XML says the series has several planes
  std::size_t max_frame_bytes_;
  double frame_rate_hz_ = 0;  // the XML's 1 / framePeriod
  Warn warn_;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> last_sent_;  // (cycle, index) of the last frame taken
  std::map<std::string, std::uint64_t> sizes_;                        // each waiting file's size at the last look
  bool has_xml_ = false;
  bool seen_files_ = false;      // a matching file was listed
  std::int64_t next_index_ = 0;  // series_index of the next frame
  std::uint64_t skipped_ = 0;    // frames skipped (not TIFFs) since the last one taken: a gap before the next
};

}  // namespace calmon::follow
