// json_message.h — a protobuf message from a JSON text or file, or one line saying why not;
// and the one way calmon prints a message as JSON.
//
// Every file calmon reads (analysis configs, ROI sets, the daemon's config) is a
// message of proto/ read through protobuf's JSON mapping; unknown fields are errors.
// Every JSON calmon writes by protobuf goes through print_json_message, so the key
// names (the .proto's, never lowerCamelCase) and the escaping are the same everywhere.
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

// How print_json_message lays out its text.
struct JsonStyle {
  bool indented = false;  // one field per line, ending with a newline: a file for people
  bool defaults = true;   // fields at their default (0, "", false) are written, not left out
};

// `message` through protobuf's JSON mapping under the .proto's field names. 64-bit
// integers come out as strings (the mapping's rule), and a field with presence
// (`optional`, a message) that is not set is left out. Throws calmon::Error if
// protobuf refuses (it does not for calmon's messages).
std::string print_json_message(const google::protobuf::Message& message, JsonStyle style = {});

template <class Message> Message parse_json_as(std::string_view json, std::string_view source, std::string_view what) {
  Message message;
  parse_json_message(json, source, what, message);
  return message;
}

}  // namespace calmon::config
