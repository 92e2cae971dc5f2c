// curve_setup.cc — temporary key files for calmon-bench --curve; see the header.
#include "curve_setup.h"

#include <stdlib.h>

#include <filesystem>

#include "core/error.h"

namespace calmon::bench {

CurveSetup::CurveSetup() {
  net::require_curve_support();
  char folder[] = "/tmp/calmon-bench-keys-XXXXXX";
  if (mkdtemp(folder) == nullptr) throw Error("cannot create a temporary folder for the CURVE keys");
  folder_ = folder;
  server_keys_ = net::generate_curve_key_pair();
  client_keys_ = {server_keys_.public_key, net::generate_curve_key_pair()};
  std::filesystem::create_directory(folder_ + "/clients");
  (void)net::write_curve_key_pair(folder_ + "/calmond", server_keys_, "calmon-bench's calmond");
  (void)net::write_curve_key_pair(folder_ + "/bench", client_keys_.client, "calmon-bench's peers");
  std::filesystem::copy_file(folder_ + "/bench.key", folder_ + "/clients/bench.key");
}

CurveSetup::~CurveSetup() {
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::vector<std::string> CurveSetup::daemon_arguments() const {
  return {"--curve-secret-key", folder_ + "/calmond.key_secret", "--curve-authorized-keys", folder_ + "/clients"};
}

}  // namespace calmon::bench
