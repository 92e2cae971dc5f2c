// curve_client.h — the client side of CURVE, shared by every program that talks to calmond.
//
// With CURVE on, calmond accepts only clients that prove a key pair whose public key is
// in its folder of authorized keys, and each client checks calmond's own public key. A
// client therefore needs two files: calmond's public key (--server-key calmond.key) and
// its own secret key file (--client-key NAME.key_secret). load_curve_client_keys reads
// both, or neither (CURVE off); apply_curve_client sets them on a socket before it
// connects — any socket type, so every tool and every new socket takes the keys with one
// call.
#pragma once

#include <zmq.hpp>

#include <optional>
#include <string>

#include "net/curve_keys.h"

namespace calmon::net {

struct CurveClientKeys {
  std::string server_public_key;  // Z85: the server this client trusts
  CurveKeyPair client;            // the client's own key pair
};

// Why a command line that gives only one of --server-key and --client-key is wrong (one
// line), or nullopt when it gives both or neither: for the tools' option parsing.
std::optional<std::string> curve_client_flags_problem(bool server_key_given, bool client_key_given);

// Both files given: their keys; neither (empty paths): nullopt. One alone, or a file that
// cannot be used, is a calmon::Error of one line (naming --server-key / --client-key).
std::optional<CurveClientKeys> load_curve_client_keys(const std::string& server_key_file,
                                                      const std::string& client_key_file);

// Makes `socket` a CURVE client of the server in `keys`; call it before connect(). With
// nullopt it does nothing, so callers need no branch of their own.
void apply_curve_client(zmq::socket_t& socket, const std::optional<CurveClientKeys>& keys);

}  // namespace calmon::net
