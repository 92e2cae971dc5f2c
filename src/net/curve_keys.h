// curve_keys.h — CURVE key pairs in ZeroMQ's certificate files: made, written, read.
//
// The format is the one of ZeroMQ's ecosystem (CZMQ's zcert; pyzmq's
// zmq.auth.create_certificates and load_certificate), so keys made by calmon-keygen work
// with pyzmq and keys made by pyzmq work here. A key pair is two text files in ZPL
// (ZeroMQ Property Language: "name = value" lines, nested by four-space indentation,
// '#' comments):
//
//   NAME.key          the public key, handed to peers:  curve / public-key = "<Z85>"
//   NAME.key_secret   the same plus curve / secret-key = "<Z85>", readable by its owner only
//
// A key is 32 bytes written as 40 characters of Z85, as ZeroMQ's socket options take it.
// The reader is small and strict: the ZPL syntax is checked line by line, the keys must
// be valid Z85 of the right length, a public key file must not hold a secret key, a
// secret key file must be private (no access for group or others: ZeroMQ secret keys
// are bearer credentials) and its public key must be the one its secret key gives.
// Every error is one line naming the file and the problem.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace calmon::net {

inline constexpr std::size_t kZ85KeyLength = 40;  // a 32-byte key in Z85

struct CurveKeyPair {
  std::string public_key;  // Z85
  std::string secret_key;  // Z85
};

// Throws calmon::Error unless this libzmq can do CURVE (it is built with libsodium).
void require_curve_support();

// A new key pair from libzmq (zmq_curve_keypair).
CurveKeyPair generate_curve_key_pair();

struct KeyPairFiles {
  std::filesystem::path public_file;  // BASE.key
  std::filesystem::path secret_file;  // BASE.key_secret, mode 0600
};

// Writes `keys` to BASE.key and BASE.key_secret; `comment` (one line, e.g. who wrote them)
// heads both files. Refuses, before writing anything, if either file exists.
KeyPairFiles write_curve_key_pair(const std::filesystem::path& base, const CurveKeyPair& keys,
                                  std::string_view comment);

// What a certificate holds: the keys of its "curve" section, each checked to be Z85 of a
// 32-byte key. Throws calmon::Error "line N: ..." for text that is not such a
// certificate. Pure: the loaders below add the file's name and their own checks.
struct CertificateKeys {
  std::optional<std::string> public_key;
  std::optional<std::string> secret_key;
};
CertificateKeys parse_certificate(std::string_view text);

// A public key file (NAME.key): its public key. A file that also holds a secret key is
// refused, so secrets are not handed around as public keys.
std::string load_curve_public_key(const std::filesystem::path& file);

// A secret key file (NAME.key_secret): both keys. The file must not be accessible by
// group or others, and its public key must belong to its secret key.
CurveKeyPair load_curve_secret_key(const std::filesystem::path& file);

// Every public key file (*.key) in `folder`, sorted and without repeats. A folder without
// any is an error: nobody could connect.
std::vector<std::string> load_curve_public_keys(const std::filesystem::path& folder);

// The Z85 text of a 32-byte binary key (a ZAP request carries binary keys).
std::string z85_key(std::string_view binary_key);

}  // namespace calmon::net
