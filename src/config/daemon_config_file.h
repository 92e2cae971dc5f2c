// daemon_config_file.h — calmond's own config file: JSON in, pb::DaemonConfig out.
//
// The schema is proto/calmon/daemon.proto, read through protobuf's JSON mapping exactly
// like the analysis config (config_file.h): one definition, unknown fields and malformed
// JSON are one-line calmon::Errors naming the file. Defaults and checks of the values
// are the daemon's business (daemon/daemon_settings.h), so flags can override first.
#pragma once

#include <string>
#include <string_view>

#include "calmon/daemon.pb.h"

namespace calmon::config {

// Parses JSON text as a DaemonConfig; `source` names it in errors.
pb::DaemonConfig parse_daemon_config(std::string_view json, std::string_view source);

// Reads and parses a file.
pb::DaemonConfig load_daemon_config(const std::string& path);

}  // namespace calmon::config
