// daemon_config_file.cc — protobuf JSON → pb::DaemonConfig; see the header.
#include "config/daemon_config_file.h"

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace calmon::config {

pb::DaemonConfig parse_daemon_config(std::string_view json, std::string_view source) {
  pb::DaemonConfig config;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &config, options);
  if (!status.ok()) {
    std::string reason(status.message());
    reason = reason.substr(0, reason.find('\n'));  // the first line says it all
    throw Error(std::string(source) + ": invalid daemon config: " + reason);
  }
  return config;
}

pb::DaemonConfig load_daemon_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(path + ": read error");
  return parse_daemon_config(text.str(), path);
}

}  // namespace calmon::config
