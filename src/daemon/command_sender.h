// command_sender.h — the Asio thread's end of the inproc PAIR to the pipeline thread.
//
// Owned by the daemon, used by everything on the Asio thread (signals and timers, the
// dashboard), so the one ZeroMQ socket this thread touches has one owner. Never blocks:
// a full queue (1000 commands) means the pipeline is stuck, and the send reports false.
//   one part  [Command]                           a tick or shutdown (command.h)
//   three     [kDashboardRequest][ticket][request]  a page's control request (JSON)
#pragma once

#include <zmq.hpp>

#include <cstdint>
#include <string_view>

#include "daemon/command.h"

namespace calmon::daemon {

class CommandSender {
 public:
  // Connects to kCommandEndpoint; the pipeline's end must be bound already.
  explicit CommandSender(zmq::context_t& context);
  bool send(Command command);
  bool send_request(std::uint64_t ticket, std::string_view request);

 private:
  zmq::socket_t socket_;
};

}  // namespace calmon::daemon
