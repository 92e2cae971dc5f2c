// sequence_ledger.h — the sequence number of each frame of a session, until it settles.
//
// Settled values arrive for an earlier frame (a moving baseline's lag later, or at the
// end of the stream), and the wire names that frame by its sequence number too. Frames
// are numbered 0, 1, 2, ... in the session; their sequence numbers rise by one except
// at gaps. So the ledger keeps one entry per run of consecutive sequence numbers — the
// start of the session and each gap — not one per frame: memory grows with the gaps,
// not with the session's length. Lookups come in frame order and drop the runs behind
// them. No allocation unless a gap opens a run.
#pragma once

#include <cstdint>
#include <deque>

namespace calmon::daemon {

class SequenceLedger {
 public:
  // Forgets everything: a new session starts.
  void clear() { runs_.clear(); }

  // Frame `frame` (the next after the last recorded) carries `sequence`.
  void record(std::int64_t frame, std::uint64_t sequence) {
    if (runs_.empty() || sequence != sequence_in(runs_.back(), frame)) runs_.push_back(Run{frame, sequence});
  }

  // The sequence number of a recorded frame. Frames must be asked for in non-decreasing
  // order: the runs before `frame` are forgotten.
  std::uint64_t sequence_of(std::int64_t frame) {
    while (runs_.size() > 1 && runs_[1].first_frame <= frame) runs_.pop_front();
    return runs_.empty() ? 0 : sequence_in(runs_.front(), frame);
  }

  std::size_t runs() const { return runs_.size(); }

 private:
  struct Run {
    std::int64_t first_frame;
    std::uint64_t first_sequence;
  };
  static std::uint64_t sequence_in(const Run& run, std::int64_t frame) {
    return run.first_sequence + static_cast<std::uint64_t>(frame - run.first_frame);
  }

  std::deque<Run> runs_;
};

}  // namespace calmon::daemon
