// json_message.h — a protobuf message from a JSON text or file, or one line saying why not.
//
// Every file calmon reads (analysis configs, ROI sets, the daemon's config) is a
// message of proto/ read through protobuf's JSON mapping; unknown fields are errors.
// protobuf's reason may carry a second line with a caret under the position: the first
// line says it all, and calmon's errors are one line.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

namespace calmon::config {

// Fills `message` from `json`; throws calmon::Error "<source>: invalid <what>: <reason>".
void parse_json_message(std::string_view json, std::string_view source, std::string_view what,
                        google::protobuf::Message& message);

// The whole file; throws calmon::Error "<path>: cannot open the file" or "read error".
std::string read_text_file(const std::string& path);

template <class Message> Message parse_json_as(std::string_view json, std::string_view source, std::string_view what) {
  Message message;
  parse_json_message(json, source, what, message);
  return message;
}

}  // namespace calmon::config
