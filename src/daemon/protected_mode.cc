// protected_mode.cc — bound endpoints and the dashboard checked against loopback; see the header.
#include "daemon/protected_mode.h"

#include <utility>
#include <vector>

#include "net/loopback.h"

namespace calmon::daemon {

namespace {

// "publish at tcp://*:5571, control at ..." for the ZeroMQ sockets bound beyond loopback
// without CURVE; "" if none is.
std::string exposed_sockets(const DaemonSettings& settings) {
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
  return exposed;
}

}  // namespace

ProtectedMode check_protected_mode(const DaemonSettings& settings) {
  std::vector<std::string> risks;
  std::vector<std::string> fixes;
  if (const std::string sockets = exposed_sockets(settings); !sockets.empty()) {
    risks.push_back(
        "without CURVE, anyone who can reach this machine can send frames, read results and shut "
        "calmond down through the sockets bound beyond loopback (" +
        sockets + ")");
    fixes.push_back("turn CURVE on (--curve-secret-key FILE --curve-authorized-keys DIR) or bind 127.0.0.1");
  }
  if (dashboard_on_network(settings) && settings.http_token_mode == DaemonSettings::HttpTokenMode::kNone) {
    risks.push_back("the dashboard at " + settings.http +
                    " is open to the network without a token: anyone who can reach it can change the ROIs and "
                    "stop calmond");
    fixes.push_back("give the dashboard a token (--http-token auto)");
  }
  if (risks.empty()) return {};
  std::string risk = risks[0];
  std::string fix = fixes[0];
  if (risks.size() == 2) {
    risk += "; " + risks[1];
    fix += ", " + fixes[1];
  }
  if (settings.allow_unprotected) return {false, "warning: --allow-unprotected: " + risk};
  return {true, "protected mode: " + risk + "; " + fix + ", or accept the risk with --allow-unprotected"};
}

}  // namespace calmon::daemon
