// control_request.cc — parsing, dispatch and encoding of control requests; see the header.
#include "daemon/control_request.h"

#include <google/protobuf/util/json_util.h>

#include <exception>

#include "config/json_message.h"
#include "config/roi_files.h"
#include "core/error.h"

namespace calmon::daemon {

namespace {

std::string first_line(std::string text) {
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::string encode(const pb::ControlReply& reply, bool json) {
  std::string bytes;
  if (!json) {
    reply.SerializeToString(&bytes);
    return bytes;
  }
  return config::print_json_message(reply);
}

// Parses the request; an empty string if it parsed, else why not.
std::string parse(std::string_view request, bool json, pb::ControlRequest& message) {
  if (json) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(request.data(), request.size()), &message, options);
    return status.ok() ? std::string() : "invalid JSON ControlRequest: " + first_line(std::string(status.message()));
  }
  if (!message.ParseFromArray(request.data(), static_cast<int>(request.size()))) {
    return "not a ControlRequest in protobuf binary (" + std::to_string(request.size()) +
           " bytes; JSON requests start with '{')";
  }
  return {};
}

void execute(ParsedRequest& parsed, ControlTarget& target, pb::ControlReply& reply) {
  const pb::ControlRequest& request = parsed.request;
  switch (request.command_case()) {
    case pb::ControlRequest::kStatus: target.fill_status(*reply.mutable_status()); break;
    case pb::ControlRequest::kProjections: target.fill_projections(*reply.mutable_projections()); break;
    case pb::ControlRequest::kRois: target.fill_rois(*reply.mutable_rois()); break;
    case pb::ControlRequest::kSetRois:
    case pb::ControlRequest::kAddRois:
    case pb::ControlRequest::kRemoveRois:
    case pb::ControlRequest::kUpdateRoi:
      if (!parsed.prepare_error.empty()) throw Error(parsed.prepare_error);
      if (parsed.prepared_rois) {
        target.install_rois(std::move(*parsed.prepared_rois));
      } else if (request.command_case() == pb::ControlRequest::kSetRois) {
        target.set_rois(request.set_rois());
      } else {
        target.edit_rois(request);
      }
      target.fill_rois(*reply.mutable_rois());
      break;
    case pb::ControlRequest::kReset:
      target.reset();
      target.fill_status(*reply.mutable_status());
      break;
    case pb::ControlRequest::kShutdown:
      target.shutdown();
      target.fill_status(*reply.mutable_status());
      break;
    case pb::ControlRequest::kStream:
      target.fill_stream_report(request.stream().stream_id(), *reply.mutable_stream());
      break;
    case pb::ControlRequest::kImportRois:  // turned into a set_rois when parsed
      throw Error("import_rois reached the pipeline unread");
    case pb::ControlRequest::kExportRois: {
      std::vector<std::string> warnings;
      target.fill_roi_file(request.export_rois(), *reply.mutable_roi_file(), warnings);
      for (std::string& warning : warnings) reply.add_warnings(std::move(warning));
      break;
    }
    case pb::ControlRequest::COMMAND_NOT_SET:
      throw Error(
          "malformed control request: no command (give one of status, projections, rois, set_rois, "
          "add_rois, remove_rois, update_roi, import_rois, export_rois, reset, shutdown, stream)");
  }
  reply.set_ok(true);
}

}  // namespace

std::string control_error_reply(bool json, const std::string& error) {
  pb::ControlReply reply;
  reply.set_ok(false);
  reply.set_error(error);
  return encode(reply, json);
}

ParsedRequest parse_control_request(std::string_view request, std::optional<FrameShape> frame) {
  ParsedRequest parsed;
  parsed.json = !request.empty() && request.front() == '{';
  if (std::string problem = parse(request, parsed.json, parsed.request); !problem.empty()) {
    parsed.error = "malformed control request: " + problem;
    return parsed;
  }
  if (parsed.request.command_case() == pb::ControlRequest::kImportRois) {
    try {  // the file's ROIs replace the set as a set_rois of them would
      pb::RoiSet rois = config::read_roi_files(parsed.request.import_rois(), frame, parsed.warnings);
      parsed.request.mutable_set_rois()->Swap(&rois);
    } catch (const Error& e) {
      parsed.error = first_line(e.what());
    }
  }
  return parsed;
}

std::string answer_control_request(ParsedRequest request, ControlTarget& target) {
  if (!request.error.empty()) return control_error_reply(request.json, request.error);
  pb::ControlReply reply;
  for (std::string& warning : request.warnings) reply.add_warnings(std::move(warning));
  try {
    execute(request, target, reply);
  } catch (const Error& e) {
    return control_error_reply(request.json, first_line(e.what()));
  } catch (const std::exception& e) {
    return control_error_reply(request.json, "internal error: " + first_line(e.what()));
  }
  return encode(reply, request.json);
}

std::string answer_control_request(std::string_view request, ControlTarget& target) {
  return answer_control_request(parse_control_request(request), target);
}

}  // namespace calmon::daemon
