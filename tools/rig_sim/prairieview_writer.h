// prairieview_writer.h — test data in the layout of Bruker's PrairieView: one single-page
// OME-TIFF per frame and channel dropped into a folder as an acquisition would, and the
// XML of frame times beside them, growing as frames come.
//
// Names and XML follow what PrairieView's public readers know of it (docs/follow.md#prairieview-folders):
//   <series>_Cycle<5 digits>_Ch<c>_<6 digits>.ome.tif and <series>.xml.
// A single-plane series is one Sequence ("TSeries Timed Element", cycle 1) whose frames
// are numbered 1, 2, ...; a multi-plane series ("TSeries ZSeries Element") has one
// Sequence per volume (its cycle) and one frame per plane (its index). Each TIFF is
// uncompressed uint16 with a minimal OME-XML in its ImageDescription, written by hand so
// that a test can stop a file half-way.
//
// How files appear is a choice (PrairieView's own is not documented): under a temporary
// name ("<name>.tmp", which no reader takes for a frame) renamed once complete, or in
// place, with a hook when half of its pixels are on disk. The XML grows by whole frames
// (each <Frame> appended and flushed once its files are complete; </PVScan> at the end),
// or appears only at the end. Times are nominal: frame n at n × frame period, so the data
// is the same on every run; `paced` only waits for those times on the steady clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/frame_view.h"

namespace calmon::rig_sim {

enum class FileAppearance { kRenamedWhenComplete, kWrittenInPlace };
enum class XmlWriting { kGrowsWithEachFrame, kAtTheEnd };

struct PrairieViewOptions {
  std::string folder;  // created if missing
  std::string series_name = "TSeries-12022026-1200-001";
  FrameShape shape{512, 512};
  std::vector<std::uint32_t> channels{2};  // PrairieView's channel numbers, e.g. {1, 2}
  std::uint32_t planes = 1;                // above 1: a multi-plane series
  std::uint64_t volumes = 100;             // time points (frames, for one plane)
  double frame_period_s = 1.0 / 30;        // per frame, i.e. per plane
  double first_absolute_time_s = 2.5;      // the first frame's absoluteTime
  bool paced = false;                      // wait for each frame's time
  FileAppearance files = FileAppearance::kRenamedWhenComplete;
  XmlWriting xml = XmlWriting::kGrowsWithEachFrame;
  // kWrittenInPlace only: called with a file's path when half of its pixel bytes are on
  // disk (flushed), before the rest is written.
  std::function<void(const std::string& path)> on_half_written;
  // Called once a frame's files are all complete and the frame is in the XML (when it
  // grows), with the number of frames done; returning false ends the series there, the
  // XML closed as at a normal end.
  std::function<bool(std::uint64_t frames_done)> after_frame;
};

// The pixels of one frame before any channel's gain and offset: `pixels` has
// shape.pixel_count() values, row-major.
using PrairieViewSource =
    std::function<void(std::uint64_t volume, std::uint32_t plane, std::span<std::uint16_t> pixels)>;

// What channel number `position` (0 for the first of options.channels) stores for a source
// value: value × (position + 1) + 1000 × position, saturated at 65535. So the channels of a
// frame differ visibly from each other while each is a plain function of the source.
std::uint16_t channel_pixel(std::uint16_t value, std::size_t position);

// "<series>_Cycle00001_Ch2_000001.ome.tif".
std::string prairieview_file_name(const std::string& series_name, std::uint32_t cycle, std::uint32_t channel,
                                  std::uint64_t index);

struct PrairieViewSeries {
  std::string xml_path;
  std::uint64_t frames = 0;  // frames written (each with a file per channel)
};

// Writes the series; throws calmon::Error naming the file on a write error, or the option
// that makes no sense (no channels, a channel twice or 0, no planes, an empty shape, a
// period not above 0).
PrairieViewSeries write_prairieview_series(const PrairieViewOptions& options, const PrairieViewSource& source);

}  // namespace calmon::rig_sim
