// dashboard_json.h — what the dashboard's WebSocket carries, as JSON text messages.
//
// Every message is an object with a "type": a message of proto/calmon/dashboard.proto
// printed through protobuf's JSON mapping (but for "reply", whose ControlReply is
// already protobuf JSON: see encode_reply). The wire messages inside keep their schema
// (field names as in wire.proto; 64-bit integers as strings, NaN as "NaN"), so the
// page reads the same fields a Python subscriber does:
//   {"type": "traces", "dropped": N, "updates": [TraceUpdate, ...]}  one display batch
//   {"type": "status", "browsers": N, "data": Status}
//   {"type": "rois", "data": RoiSetInfo}
//   {"type": "reply", "data": ControlReply}       the answer to the page's request
//   {"type": "images", "frame_index": N, "sequence": N, "images": [{"name", "width",
//     "height", "frames", "min", "max", "data"}]}
//   {"type": "history", "id": N, "session": N, "sessions": [...], ...}  a DashboardHistory
// Images are the exception: their pixels go as base64 of little-endian float32
// (4 bytes a pixel instead of ~20 characters), with the finite min and max for the
// contrast; so are the history's points (float64 frames and times, float32 min and max).
// Browser → server: one ControlRequest as protobuf JSON per text message, or a history
// request, {"history": {...}} (a DashboardHistoryEnvelope), which the dashboard answers
// itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>

#include "core/trace_history.h"

namespace calmon::daemon {

// Largest request the page may send: as a control request's default (--max-request-mib),
// so that an uploaded ROI file (base64, a third larger) of up to 48 MiB fits.
inline constexpr std::size_t kMaxDashboardRequestBytes = std::size_t{64} << 20;

// protobuf JSON, field names as in the .proto, zeros and empty lists included.
std::string proto_json(const google::protobuf::Message& message);

// The encoders take messages as serialized by the pipeline thread (protobuf binary).
std::string encode_trace_batch(const std::vector<std::string>& updates, std::uint64_t dropped);
std::string encode_status(const std::string& status, std::size_t browsers);
std::string encode_rois(const std::string& rois);
std::string encode_images(const std::string& snapshot);
// `reply_json` is a ControlReply as JSON (answer_control_request to a JSON request).
std::string encode_reply(std::string_view reply_json);
// A ControlReply with ok=false and `error`, in its envelope.
std::string encode_error_reply(const std::string& error);

// True if `text` may be a JSON ControlRequest: not too big, starts with "{".
bool looks_like_request(std::string_view text);

// True if `text` is a JSON object whose first key is "history": a history request.
bool is_history_request(std::string_view text);
// Reads a history request into `query` and the page's `id`; the error in one line, or "".
std::string parse_history_request(std::string_view text, HistoryQuery& query, double& id);
// The answer as the page gets it (also a refusal: answer.error set).
std::string encode_history(const HistoryAnswer& answer, double id);

}  // namespace calmon::daemon
