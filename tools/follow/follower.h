// follower.h — the follow loop: poll the growing file, send each complete page, end cleanly.
//
// One file at a time (io/growing_tiff.h), polled every --poll-ms; the pages a poll finds
// complete are sent at once, in order, as calmon-replay sends frames (replay/frame_sender.h:
// the same socket, deadline and stop handling). When the next file of the series
// (io/frame_file_order.h's next_series_file_name) appears, the current one is finished:
// its remaining complete pages are read, a cut-off last page is reported, and the
// follower moves on. The end — idle timeout, stop file, Ctrl-C, or a problem with the
// files — reads what is complete, sends the end of stream and asks calmond for its
// acknowledgement exactly as calmon-replay does, and the summary is calmon-replay's line.
// A problem with the files (not a TIFF, a frame size that changes) ends the stream cleanly
// and is returned as `error` for the program to print after the summary.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "follow/follow_options.h"
#include "replay/replay_summary.h"

namespace calmon::follow {

struct FollowResult {
  replay::ReplaySummary summary;
  std::optional<std::string> error;   // the one line that ended the following, if a problem did
  std::vector<std::string> warnings;  // cut-off pages and other lines printed as they happened
};

// Throws calmon::Error when no daemon takes the first frame within --timeout (and for bad
// keys or endpoints), as calmon-replay does.
// The pages are placed by follow/scanimage_placement.h's SeriesPlacer (a file series) or
// PlainPages (a folder, whose source picks the channel).
FollowResult follow_series(const FollowOptions& options, bool show_progress);

}  // namespace calmon::follow
