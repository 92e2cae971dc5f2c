// control_request.h — one control request in, one reply out, binary or JSON.
//
// The control socket (REP) carries a ControlRequest as protobuf binary or, when its
// first byte is '{', as protobuf JSON; the reply comes in the same encoding. Every
// request gets a reply: one that does not parse, or names no command, gets ok=false
// with "malformed control request: ..."; a command that fails (an invalid ROI set) gets
// ok=false with its one-line error and changes nothing. An import_rois is read into the
// set_rois of its file's ROIs when parsed (a file calmon cannot read is the whole
// answer), so everything after handles one kind of ROI set. What the commands do is the
// ControlTarget's business (the daemon's session logic), so this is testable alone.
//
// Parsing and answering are two steps (parse_control_request, answer_control_request),
// so that the daemon can parse a request — and prepare the ROI set of a set_rois
// (roi_set_preparation.h) — on another thread, and answer it on the pipeline thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calmon/wire.pb.h"
#include "core/frame_view.h"
#include "daemon/roi_set_preparation.h"

namespace calmon::daemon {

class ControlTarget {
 public:
  virtual ~ControlTarget() = default;
  virtual void fill_status(pb::Status& status) = 0;
  virtual void fill_projections(pb::ProjectionSnapshot& snapshot) = 0;
  virtual void fill_rois(pb::RoiSetInfo& rois) = 0;
  // Replaces the ROI set; throws calmon::Error (one line), and keeps the set, if invalid.
  virtual void set_rois(const pb::RoiSet& rois) = 0;
  // Replaces or edits the ROI set with a change prepared already (for the target's
  // current geometry and set).
  virtual void install_rois(PreparedRoiSet rois) = 0;
  // An add_rois, remove_rois or update_roi; throws calmon::Error (one line), and keeps
  // the set, if it cannot be done.
  virtual void edit_rois(const pb::ControlRequest& request) = 0;
  // The current ROI set as a file (config/roi_files.h), and what the format could not
  // hold; throws calmon::Error for a format it does not write.
  virtual void fill_roi_file(const pb::RoiExport& request, pb::RoiFile& file, std::vector<std::string>& warnings) = 0;
  // Ends the session: projections and baselines are forgotten.
  virtual void reset() = 0;
  // Ends the session and asks the daemon to exit.
  virtual void shutdown() = 0;
  // What the daemon received of stream `stream_id` (stream_reports.h).
  virtual void fill_stream_report(std::uint64_t stream_id, pb::StreamReport& report) = 0;
};

// A request as parsed, and what was prepared for it.
struct ParsedRequest {
  bool json = false;  // it came, and is answered, as JSON
  pb::ControlRequest request;
  std::string error;                  // not empty: it did not parse, and this is the whole answer
  std::vector<std::string> warnings;  // an import_rois's, for the reply
  // A change of the ROI set (set_rois, add_rois, remove_rois, update_roi) prepared
  // ahead (or why it could not be), and the frames and set it was prepared for;
  // neither: the target prepares it.
  std::optional<PreparedRoiSet> prepared_rois;
  std::string prepare_error;
  std::optional<FrameGeometry> prepared_for;
  std::shared_ptr<const Pipeline::RoiLayout> prepared_base;
};

// `frame`: the running session's frame, which an imported file's ROIs must fit (a
// Suite2p folder's own frame size must be it); none before the first session.
ParsedRequest parse_control_request(std::string_view request, std::optional<FrameShape> frame = std::nullopt);

// Carries out one request and encodes the reply.
std::string answer_control_request(ParsedRequest request, ControlTarget& target);

// Answers one request (the bytes of a one-part message): parse, then answer.
std::string answer_control_request(std::string_view request, ControlTarget& target);

// A reply with ok=false and `error`, as JSON or binary: for a request the socket could
// not even hand over whole (more than one part).
std::string control_error_reply(bool json, const std::string& error);

}  // namespace calmon::daemon
