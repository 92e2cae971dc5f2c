// multipart.h — receiving one whole multipart ZeroMQ message, the one way calmon does it.
//
// ZeroMQ delivers a message's parts together, so once the first part is here the rest
// are too. receive_multipart moves every part into a vector (cppzmq's recv_multipart:
// each zmq::message_t is moved, the data — the pixels of a frame — is never copied)
// and reuses the vector's capacity. Non-blocking by default; pass recv_flags::none to
// wait for the message. What a caller expects of the parts (how many, which topic) is
// the caller's business.
#pragma once

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <iterator>
#include <vector>

namespace calmon::net {

// Receives every part of the next message into `parts` (cleared first); false, with
// `parts` empty, if no message was waiting (only with recv_flags::dontwait). Throws
// zmq::error_t as socket.recv does (EINTR, for one).
inline bool receive_multipart(zmq::socket_ref socket, std::vector<zmq::message_t>& parts,
                              zmq::recv_flags flags = zmq::recv_flags::dontwait) {
  parts.clear();
  return zmq::recv_multipart(socket, std::back_inserter(parts), flags).has_value();
}

}  // namespace calmon::net
