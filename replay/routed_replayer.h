// routed_replayer.h — a multi-plane movie replayed to several calmond, each plane to its own.
//
// With --route, every plane named is read from the movie (one MovieFrameSource each) and
// sent on a PUSH socket of its own to the calmond that analyses it, as a stream of its
// own (a random stream id per plane), with that plane in every header. Before the first
// frame, each calmond's Status is asked (unless --no-ack) and a calmond that analyses
// another plane is refused: no frame goes to a daemon that would reject it. Time point t
// of the movie is one volume: its planes' frames leave together, paced at --rate volumes
// per second, so each calmond receives its plane at the rate a single-plane replay would
// send it. Each end of stream is acknowledged on its calmond's control socket, and the
// replay reports one summary per plane — each the line a replay of that plane alone with
// --to would print, after "calmon-replay: plane Z". docs/scale.md has the whole session.
#pragma once

#include <vector>

#include "replay/replay_options.h"
#include "replay/replay_summary.h"

namespace calmon::replay {

// `options.routes` must not be empty. Throws calmon::Error (one line) as replay_movie does.
std::vector<ReplaySummary> replay_routes(const ReplayOptions& options, bool show_progress);

}  // namespace calmon::replay
