// subscriber_options.cc — --from, --server-key, --client-key; see the header.
#include "subscriber_options.h"

namespace calmon::cli {

namespace po = boost::program_options;

po::options_description subscriber_options_description() {
  po::options_description options("options");
  // One option per line, which clang-format would run together.
  // clang-format off
  options.add_options()
      ("help,h", "this help")
      ("from", po::value<std::string>()->default_value(kDefaultPublishEndpoint), "calmond's publish endpoint")
      ("server-key", po::value<std::string>(), "CURVE: calmond's public key (calmond.key)")
      ("client-key", po::value<std::string>(), "CURVE: this client's key pair (NAME.key_secret)");
  // clang-format on
  return options;
}

SubscriberOptions read_subscriber_options(const po::variables_map& values, const CommandLine& command_line) {
  const bool server_key = values.count("server-key") > 0;
  const bool client_key = values.count("client-key") > 0;
  if (const auto problem = net::curve_client_flags_problem(server_key, client_key)) {
    command_line.usage_error(*problem);
  }
  SubscriberOptions options;
  options.endpoint = values["from"].as<std::string>();
  if (server_key) options.server_key_file = values["server-key"].as<std::string>();
  if (client_key) options.client_key_file = values["client-key"].as<std::string>();
  return options;
}

}  // namespace calmon::cli
