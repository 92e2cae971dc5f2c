// request_preparer.h — control requests parsed, and their ROI sets compiled, on a thread
// of their own.
//
// Parsing a large request (a set_rois of thousands of masks, as JSON) and compiling its
// ROI set take up to seconds at the limits; on the pipeline thread that would hold up
// every frame meanwhile. So the pipeline thread hands each control and dashboard
// request here — the message itself, moved, not copied — with the geometry its ROI set
// must be compiled for and the ROI set it changes (a snapshot), and goes on processing
// frames. prepare_control_request does the work: parse, and for a set_rois or a live
// edit, prepare_roi_set or prepare_roi_edit (roi_set_preparation.h). One
// request at a time: the pipeline thread submits the next only once it has taken the
// last (it does not read the control socket meanwhile, so a REP reply is never owed
// twice). When a request is ready, notify_fd() (an eventfd, polled with the sockets)
// becomes readable and take() returns it; the pipeline thread then answers it between
// two frames.
#pragma once

#include <zmq.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "calmon/config.pb.h"
#include "config/roi_limits.h"
#include "daemon/control_request.h"
#include "daemon/roi_set_preparation.h"
#include "daemon/session_gate.h"

namespace calmon::daemon {

// Parses `request`; for a change of the ROI set, prepares it for `geometry` and `base`
// (or records why it cannot be) with the analysis config's `defaults` and `limits`.
ParsedRequest prepare_control_request(std::string_view request, const pb::Config& defaults,
                                      const config::RoiLimits& limits, std::optional<FrameGeometry> geometry,
                                      const RoiSetBase& base);

// The change of the ROI set of a parsed request, prepared (again) for `geometry` and `base`.
void prepare_rois_of(ParsedRequest& request, const pb::Config& defaults, const config::RoiLimits& limits,
                     std::optional<FrameGeometry> geometry, const RoiSetBase& base);

class RequestPreparer {
 public:
  RequestPreparer(pb::Config defaults, config::RoiLimits limits);
  ~RequestPreparer();  // waits for the request in hand
  RequestPreparer(const RequestPreparer&) = delete;
  RequestPreparer& operator=(const RequestPreparer&) = delete;

  // Starts on a request; none may be in hand (busy() false).
  void submit(zmq::message_t request, std::optional<FrameGeometry> geometry, RoiSetBase base);
  // Starts preparing the change of the ROI set of a parsed request again, for another
  // geometry or set.
  void submit_again(ParsedRequest request, std::optional<FrameGeometry> geometry, RoiSetBase base);
  // A request submitted and not yet taken.
  bool busy() const { return busy_; }
  // Readable once the request in hand is ready.
  int notify_fd() const { return event_fd_; }
  // The ready request; nullopt if it is not ready yet.
  std::optional<ParsedRequest> take();

 private:
  struct Job {
    std::optional<zmq::message_t> bytes;  // to parse, or
    std::optional<ParsedRequest> parsed;  // parsed already
    std::optional<FrameGeometry> geometry;
    RoiSetBase base;
  };
  void start(Job job);
  void run();

  const pb::Config defaults_;
  const config::RoiLimits limits_;
  int event_fd_ = -1;
  bool busy_ = false;  // pipeline thread only

  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Job> job_;
  std::optional<ParsedRequest> done_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace calmon::daemon
