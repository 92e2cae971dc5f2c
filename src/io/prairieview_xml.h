// prairieview_xml.h — the XML that Bruker's PrairieView writes beside a T-series' files.
//
// PrairieView saves one OME-TIFF per frame and channel, and one XML that names every file
// and gives each frame its time:
//   <PVScan version=...>
//     <PVStateShard> <PVStateValue key="framePeriod" value="0.033"/> ... </PVStateShard>
//     <Sequence type="TSeries Timed Element" cycle="1">
//       <Frame relativeTime="0" absoluteTime="2.957" index="1">
//         <File channel="2" channelName="Ch2" filename="..._Cycle00001_Ch2_000001.ome.tif"/>
//         <PVStateShard> (this frame's own values) </PVStateShard>
//       </Frame> ...
// A multi-plane series ("TSeries ZSeries Element") has one Sequence per volume (its
// `cycle`) and one Frame per plane (its `index`). Older versions (4.x) wrote the settings
// as <Key key=... value=...> inside each frame's shard; both are read.
//
// The text is read with a small scanner rather than a full XML parser, because the
// acquisition may still be writing the file: a text cut anywhere gives the frames that
// are complete (their </Frame> or <Frame .../> is there), and `complete` says whether
// </PVScan> was reached. docs/follow.md#prairieview-folders says what is known of the format.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace calmon::io {

struct PrairieViewFile {
  int channel = 0;           // PrairieView's channel number, from 1 (Ch1, Ch2, ...)
  std::string channel_name;  // "Ch2", or empty if not given
  std::string filename;      // relative to the XML's folder
};

struct PrairieViewFrame {
  int cycle = 0;                       // the Sequence's cycle (1 if it has none): the volume of a multi-plane series
  int index = 0;                       // the Frame's index within its Sequence: the plane of a multi-plane series
  double relative_time_s = 0;          // relativeTime: seconds from the start of its Sequence
  double absolute_time_s = 0;          // absoluteTime: seconds on the acquisition's clock
  std::vector<PrairieViewFile> files;  // one per channel saved, in the XML's order
};

struct PrairieViewScan {
  std::string version;                   // PVScan's version attribute
  std::string date;                      // PVScan's date attribute ("12/2/2026 12:00:00 PM"), empty if none
  std::string sequence_type;             // the first Sequence's type, e.g. "TSeries Timed Element"
  double frame_period_s = 0;             // framePeriod: seconds per frame (per plane); 0 if not given
  int pixels_per_line = 0;               // frame width; 0 if not given
  int lines_per_frame = 0;               // frame height; 0 if not given
  std::vector<int> channels;             // the channel numbers of the first complete frame's files, ascending
  std::vector<PrairieViewFrame> frames;  // every complete frame, in the XML's order
  bool complete = false;                 // </PVScan> was read: the acquisition has finished the file

  double frame_rate_hz() const { return frame_period_s > 0 ? 1.0 / frame_period_s : 0.0; }
  // Seconds from the series' first frame (absoluteTime), for frame `i` of `frames`.
  double seconds_from_first(std::size_t i) const { return frames[i].absolute_time_s - frames[0].absolute_time_s; }
};

// Parses the XML's text; a text cut short gives the frames complete so far. Throws
// calmon::Error, one line naming element, attribute and value, for: a number that does
// not parse (or a negative time, a channel or index below 1); a frame without a file;
// a channel twice in one frame or a frame whose channels are not the first frame's; a
// frame whose (cycle, index) does not come after the previous one's; a width or height
// given twice with different values; a text whose first element is not <PVScan>. A text
// with no element yet (empty, or cut before the root) gives no frames, not complete.
PrairieViewScan parse_prairieview_xml(std::string_view text);

}  // namespace calmon::io
