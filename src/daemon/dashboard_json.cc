// dashboard_json.cc — encoding the dashboard's messages; see the header.
#include "daemon/dashboard_json.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include <google/protobuf/util/json_util.h>

#include "calmon/dashboard.pb.h"
#include "calmon/wire.pb.h"
#include "config/json_message.h"
#include "daemon/control_request.h"

namespace calmon::daemon {

std::string proto_json(const google::protobuf::Message& message) { return config::print_json_message(message); }

std::string encode_trace_batch(const std::vector<std::string>& updates, std::uint64_t dropped) {
  pb::DashboardTraces batch;
  batch.set_type("traces");
  batch.set_dropped(static_cast<double>(dropped));
  for (const std::string& bytes : updates) {
    if (!batch.add_updates()->ParseFromString(bytes)) batch.mutable_updates()->RemoveLast();
  }
  return proto_json(batch);
}

std::string encode_status(const std::string& status, std::size_t browsers) {
  pb::DashboardStatus message;
  message.set_type("status");
  message.set_browsers(static_cast<double>(browsers));
  (void)message.mutable_data()->ParseFromString(status);
  return proto_json(message);
}

std::string encode_rois(const std::string& rois) {
  pb::DashboardRois message;
  message.set_type("rois");
  (void)message.mutable_data()->ParseFromString(rois);
  return proto_json(message);
}

namespace {

void fill_image(pb::DashboardImage& to, const pb::Image& image) {
  std::vector<float> pixels(static_cast<std::size_t>(image.pixels_size()));
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (int i = 0; i < image.pixels_size(); ++i) {
    const double value = image.pixels(i);
    pixels[static_cast<std::size_t>(i)] = static_cast<float>(value);
    if (std::isfinite(value)) {
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  static_assert(std::endian::native == std::endian::little, "float32 pixels are sent little-endian");
  to.set_name(image.name());
  to.set_width(image.width());
  to.set_height(image.height());
  to.set_frames(static_cast<double>(image.frames()));
  to.set_min(std::isfinite(low) ? low : 0.0);
  to.set_max(std::isfinite(high) ? high : 0.0);
  to.set_data(pixels.data(), pixels.size() * sizeof(float));
}

}  // namespace

std::string encode_images(const std::string& snapshot) {
  pb::ProjectionSnapshot message;
  (void)message.ParseFromString(snapshot);
  pb::DashboardImages images;
  images.set_type("images");
  images.set_frame_index(static_cast<double>(message.frame_index()));
  images.set_sequence(static_cast<double>(message.sequence()));
  for (const pb::Image& image : message.images()) fill_image(*images.add_images(), image);
  return proto_json(images);
}

// The reply is protobuf JSON already, printed by answer_control_request on the pipeline
// thread; it goes into its envelope as that text, not parsed and printed a second time
// on the I/O thread (a projections reply holds every image as numbers).
std::string encode_reply(std::string_view reply_json) {
  return "{\"type\":\"reply\",\"data\":" + std::string(reply_json) + "}";
}

std::string encode_error_reply(const std::string& error) { return encode_reply(control_error_reply(true, error)); }

bool looks_like_request(std::string_view text) {
  if (text.size() > kMaxDashboardRequestBytes) return false;
  return !text.empty() && text.front() == '{';
}

bool is_history_request(std::string_view text) {
  if (text.empty() || text.front() != '{') return false;
  const std::size_t key = text.find_first_not_of(" \t\r\n", 1);
  return key != std::string_view::npos && text.substr(key).starts_with("\"history\"");
}

std::string parse_history_request(std::string_view text, HistoryQuery& query, double& id) {
  pb::DashboardHistoryEnvelope envelope;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &envelope, options);
  if (!status.ok()) {
    const std::string reason(status.message());
    return "malformed history request: " + reason.substr(0, reason.find('\n'));
  }
  const pb::DashboardHistoryRequest& request = envelope.history();
  id = request.id();
  query = HistoryQuery{};
  query.session = request.session();
  query.first_frame = request.first_frame();
  query.last_frame = request.has_last_frame() ? request.last_frame() : -1;
  query.points = request.has_points() ? request.points() : 2000;
  query.roi_ids.assign(request.roi_ids().begin(), request.roi_ids().end());
  if (request.traces_size() > 0) query.traces.clear();
  for (const std::string& name : request.traces()) {
    const std::optional<HistoryTrace> trace = history_trace_named(name);
    if (!trace) return "unknown trace '" + name + "' (" + history_trace_names() + ")";
    query.traces.push_back(*trace);
  }
  return "";
}

namespace {

template <class T> std::string little_endian_bytes(const std::vector<T>& values) {
  static_assert(std::endian::native == std::endian::little, "history points are sent little-endian");
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

}  // namespace

std::string encode_history(const HistoryAnswer& answer, double id) {
  pb::DashboardHistory message;
  message.set_type("history");
  message.set_id(id);
  message.set_session(static_cast<double>(answer.session));
  for (const std::uint64_t session : answer.sessions) message.add_sessions(static_cast<double>(session));
  message.set_error(answer.error);
  if (answer.error.empty()) {
    message.set_first_frame(static_cast<double>(answer.first_frame));
    message.set_last_frame(static_cast<double>(answer.last_frame));
    message.set_bucket_frames(static_cast<double>(answer.bucket_frames));
    message.set_frame_index(little_endian_bytes(answer.frame_index));
    message.set_time_s(little_endian_bytes(answer.time_s));
    message.set_gap_before(little_endian_bytes(answer.gap_before));
    for (const HistorySeries& series : answer.series) {
      pb::DashboardHistorySeries& out = *message.add_series();
      out.set_roi_id(series.roi_id);
      out.set_name(series.name);
      out.set_trace(std::string(history_trace_name(series.trace)));
      out.set_min(little_endian_bytes(series.min));
      out.set_max(little_endian_bytes(series.max));
    }
  }
  return proto_json(message);
}

}  // namespace calmon::daemon
