// stream_reports.h — what calmond received of each recent stream, for its senders to ask.
//
// A sender stamps its frames with a random stream id (FrameHeader.stream_id). After its
// end of stream it asks the control socket (StreamQuery) until the report says the end
// of stream arrived: then it knows how many of the frames it sent reached calmond, were
// processed or rejected — and, if no report ever says so, that calmond died mid-stream.
// Reports of the last kKept streams that sent are kept (under a hundred bytes each),
// the one quiet longest forgotten first; stream id 0 (a sender that does not say) has none. Pure bookkeeping:
// the StreamAnalyzer tells it what happened to each message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "calmon/wire.pb.h"

namespace calmon::daemon {

class StreamReports {
 public:
  static constexpr std::size_t kKept = 16;

  // A frame message of `stream_id` arrived (before it is processed or rejected).
  void frame_received(std::uint64_t stream_id);
  // It was pushed through session `session`'s pipeline, `missing_before` sequence
  // numbers after the stream's previous frame there.
  void frame_processed(std::uint64_t stream_id, std::uint64_t sequence, std::uint64_t session,
                       std::uint64_t missing_before);
  void frame_rejected(std::uint64_t stream_id);
  void end_of_stream_received(std::uint64_t stream_id);

  // The report of `stream_id`, answered by the calmond `daemon_id`; known = false if none is kept.
  void fill(std::uint64_t stream_id, std::uint64_t daemon_id, pb::StreamReport& report) const;

 private:
  struct Report {
    std::uint64_t stream_id = 0;
    std::uint64_t frames_received = 0;
    std::uint64_t frames_processed = 0;
    std::uint64_t frames_rejected = 0;
    bool end_of_stream_received = false;
    std::uint64_t session = 0;
    std::uint64_t first_sequence = 0;
    std::uint64_t last_sequence = 0;
    std::uint64_t missing_frames = 0;
  };

  // The report of `stream_id`, made (forgetting the oldest if need be) if there is none;
  // nullptr for stream 0.
  Report* report_of(std::uint64_t stream_id);

  std::vector<Report> reports_;  // the one quiet longest first
};

}  // namespace calmon::daemon
