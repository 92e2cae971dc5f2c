// replayer.h — the replay itself: movie frames, paced, to calmond, then the end of stream.
//
// Frame k of the replay (counting across loops) is read into its own message ahead of
// time, then, in paced mode, waits for its due time on the PacingSchedule and is sent
// with sequence start + k and acquisition_time_ns = the wall-clock time of the send.
// The schedule starts when the daemon has taken the first frame, so a replay started
// before calmond does not begin with a burst of "late" frames. A late frame goes out at
// once and the schedule keeps its course. A SIGINT/SIGTERM ends the sending; the end of
// stream still goes out (unless --no-eos, or no frame was ever sent), and the summary
// records the signal. Every frame carries the run's random stream id; after the end of
// stream, calmond's control socket is asked until it acknowledges it
// (stream_acknowledgement.h, unless --no-ack), and the summary holds its answer; only
// then is the frames' socket flushed and closed.
// Everything that goes wrong before that is a calmon::Error with one line.
#pragma once

#include "replay/replay_options.h"
#include "replay/replay_summary.h"

namespace calmon::replay {

ReplaySummary replay_movie(const ReplayOptions& options, bool show_progress);

}  // namespace calmon::replay
