// subscriber_options.h — the options of a program that subscribes to calmond's publish socket.
//
// calmon-record and calmon-sub both take --from ENDPOINT (calmond's publish socket) and,
// for a calmond with CURVE, --server-key FILE and --client-key FILE, both or neither
// (net/curve_client.h). They are declared, read and checked here, once.
#pragma once

#include <boost/program_options.hpp>

#include <optional>
#include <string>

#include "cli/command_line.h"
#include "net/curve_client.h"

namespace calmon::cli {

inline constexpr const char* kDefaultPublishEndpoint = "tcp://127.0.0.1:5571";

struct SubscriberOptions {
  std::string endpoint = kDefaultPublishEndpoint;
  std::string server_key_file;  // CURVE: both or neither
  std::string client_key_file;

  // The CURVE keys the files hold, or nullopt without CURVE; throws calmon::Error.
  std::optional<net::CurveClientKeys> load_curve_keys() const {
    return net::load_curve_client_keys(server_key_file, client_key_file);
  }
};

// The options --help lists, to which a program adds its own: --help, --from,
// --server-key and --client-key.
boost::program_options::options_description subscriber_options_description();

// Reads them back; one key file without the other is a usage error (exit 2).
SubscriberOptions read_subscriber_options(const boost::program_options::variables_map& values,
                                          const CommandLine& command_line);

}  // namespace calmon::cli
