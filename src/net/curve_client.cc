// curve_client.cc — loading a client's keys and setting them on a socket; see the header.
#include "net/curve_client.h"

#include "core/error.h"

namespace calmon::net {

std::optional<std::string> curve_client_flags_problem(bool server_key_given, bool client_key_given) {
  if (server_key_given == client_key_given) return std::nullopt;
  return "--server-key and --client-key go together: CURVE needs calmond's public key (its .key file) and your "
         "own key pair (your .key_secret file)";
}

std::optional<CurveClientKeys> load_curve_client_keys(const std::string& server_key_file,
                                                      const std::string& client_key_file) {
  if (const auto problem = curve_client_flags_problem(!server_key_file.empty(), !client_key_file.empty())) {
    throw Error(*problem);
  }
  if (server_key_file.empty()) return std::nullopt;
  require_curve_support();
  return CurveClientKeys{load_curve_public_key(server_key_file), load_curve_secret_key(client_key_file)};
}

void apply_curve_client(zmq::socket_t& socket, const std::optional<CurveClientKeys>& keys) {
  if (!keys) return;
  socket.set(zmq::sockopt::curve_serverkey, keys->server_public_key);
  socket.set(zmq::sockopt::curve_publickey, keys->client.public_key);
  socket.set(zmq::sockopt::curve_secretkey, keys->client.secret_key);
}

}  // namespace calmon::net
