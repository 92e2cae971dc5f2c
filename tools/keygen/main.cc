// calmon-keygen — makes a CURVE key pair for calmond or one of its clients.
//
// Writes NAME.key (the public key, to hand to peers) and NAME.key_secret (the key pair,
// mode 0600) in ZeroMQ's certificate format (net/curve_keys.h), which pyzmq's
// zmq.auth.load_certificate reads too. The keys come from libzmq (zmq_curve_keypair).
// Existing files are never overwritten. docs/daemon.md, "CURVE", shows the whole set-up.
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "core/error.h"
#include "net/curve_keys.h"

namespace {

constexpr const char* kUsage =
    "usage: calmon-keygen NAME\n"
    "\n"
    "Makes a CURVE key pair: NAME.key, the public key to hand to peers, and\n"
    "NAME.key_secret, the key pair, readable by you only (mode 0600). NAME may name a\n"
    "folder too (keys/calmond); missing folders are created. Existing files are never\n"
    "overwritten. calmond takes --curve-secret-key NAME.key_secret and a folder of its\n"
    "clients' .key files (--curve-authorized-keys); the tools take --server-key\n"
    "calmond.key --client-key NAME.key_secret.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::cout << kUsage;
    return 0;
  }
  if (argc != 2 || argv[1][0] == '-' || argv[1][0] == '\0') {
    const std::string problem = argc < 2   ? "no NAME given"
                                : argc > 2 ? "one NAME only"
                                           : "not a NAME: '" + std::string(argv[1]) + "'";
    std::cerr << "calmon-keygen: " << problem << "\n" << kUsage;
    return 2;
  }
  const std::filesystem::path base = argv[1];
  try {
    if (base.has_parent_path()) std::filesystem::create_directories(base.parent_path());
    const calmon::net::CurveKeyPair keys = calmon::net::generate_curve_key_pair();
    const auto files = calmon::net::write_curve_key_pair(
        base, keys, "CURVE key pair '" + base.filename().string() + "' made by calmon-keygen");
    std::cout << "calmon-keygen: wrote " << files.public_file.string() << " (public key " << keys.public_key << ") and "
              << files.secret_file.string() << " (secret, mode 0600)" << std::endl;
    return 0;
  } catch (const calmon::Error& e) {
    std::cerr << "calmon-keygen: " << e.what() << "\n";
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "calmon-keygen: " << e.what() << "\n";
  }
  return 1;
}
