// curve_setup.h — calmon-bench --curve: a throw-away set of CURVE keys for one run.
//
// Makes a key pair for calmond and one for the benchmark's peers in a fresh temporary
// folder (calmond.key_secret, clients/bench.key), gives calmond the flags that turn
// CURVE on with them, and every peer the client keys; the folder is removed with the
// object. The raw ZeroMQ comparison uses the same server key pair, so "raw" is then the
// CURVE transport's own ceiling.
#pragma once

#include <string>
#include <vector>

#include "net/curve_client.h"

namespace calmon::bench {

class CurveSetup {
 public:
  CurveSetup();  // throws calmon::Error (no CURVE in libzmq, no temporary folder)
  ~CurveSetup();
  CurveSetup(const CurveSetup&) = delete;
  CurveSetup& operator=(const CurveSetup&) = delete;

  // --curve-secret-key FILE --curve-authorized-keys DIR
  std::vector<std::string> daemon_arguments() const;
  const net::CurveClientKeys& client_keys() const { return client_keys_; }
  const net::CurveKeyPair& server_keys() const { return server_keys_; }

 private:
  std::string folder_;
  net::CurveKeyPair server_keys_;
  net::CurveClientKeys client_keys_;
};

}  // namespace calmon::bench
