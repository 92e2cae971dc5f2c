// daemon_config_file.cc — protobuf JSON → pb::DaemonConfig; see the header.
#include "config/daemon_config_file.h"

#include "config/json_message.h"

namespace calmon::config {

pb::DaemonConfig parse_daemon_config(std::string_view json, std::string_view source) {
  return parse_json_as<pb::DaemonConfig>(json, source, "daemon config");
}

pb::DaemonConfig load_daemon_config(const std::string& path) { return parse_daemon_config(read_text_file(path), path); }

}  // namespace calmon::config
