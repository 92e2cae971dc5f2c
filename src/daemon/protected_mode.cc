// protected_mode.cc — bound endpoints checked against loopback; see the header.
#include "daemon/protected_mode.h"

#include <utility>
#include <vector>

#include "net/loopback.h"

namespace calmon::daemon {

ProtectedMode check_protected_mode(const DaemonSettings& settings) {
  if (settings.curve_keys) return {};
  std::vector<std::pair<const char*, const std::string*>> bound = {{"publish", &settings.publish},
                                                                   {"control", &settings.control}};
  if (settings.ingest_mode == DaemonSettings::IngestMode::kPull) {
    bound.insert(bound.begin(), {"ingest", &settings.ingest});
  }
  std::string exposed;
  for (const auto& [socket, endpoint] : bound) {
    if (net::is_loopback_endpoint(*endpoint)) continue;
    exposed += std::string(exposed.empty() ? "" : ", ") + socket + " at " + *endpoint;
  }
  if (exposed.empty()) return {};
  const std::string risk = "without CURVE, anyone who can reach this machine can send frames, read results and shut "
                           "calmond down through the sockets bound beyond loopback (" + exposed + ")";
  if (settings.allow_unprotected) return {false, "warning: --allow-unprotected: " + risk};
  return {true, "protected mode: " + risk + "; turn CURVE on (--curve-secret-key FILE --curve-authorized-keys DIR), "
                "bind 127.0.0.1, or accept the risk with --allow-unprotected"};
}

}  // namespace calmon::daemon
