// json_message.cc — protobuf's JSON parser with calmon's one-line errors, and its printer.
#include "config/json_message.h"

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace calmon::config {

void parse_json_message(std::string_view json, std::string_view source, std::string_view what,
                        google::protobuf::Message& message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message, options);
  if (!status.ok()) {
    std::string reason(status.message());
    reason = reason.substr(0, reason.find('\n'));
    while (!reason.empty() && reason.back() == ' ') reason.pop_back();
    throw Error(std::string(source) + ": invalid " + std::string(what) + ": " + reason);
  }
}

std::string print_json_message(const google::protobuf::Message& message, JsonStyle style) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = style.indented;
  options.always_print_primitive_fields = style.defaults;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    throw Error("cannot print " + message.GetTypeName() + " as JSON: " + std::string(status.message()));
  }
  return json;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(path + ": read error");
  return text.str();
}

}  // namespace calmon::config
