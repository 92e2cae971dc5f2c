// command_sender.cc — one- and three-part commands without blocking; see the header.
#include "daemon/command_sender.h"

namespace calmon::daemon {

CommandSender::CommandSender(zmq::context_t& context) : socket_(context, zmq::socket_type::pair) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.connect(kCommandEndpoint);
}

bool CommandSender::send(Command command) {
  const auto byte = static_cast<std::uint8_t>(command);
  return socket_.send(zmq::buffer(&byte, 1), zmq::send_flags::dontwait).has_value();
}

bool CommandSender::send_request(std::uint64_t ticket, std::string_view request) {
  const auto byte = static_cast<std::uint8_t>(Command::kDashboardRequest);
  // A PAIR takes a multipart message whole or not at all.
  if (!socket_.send(zmq::buffer(&byte, 1), zmq::send_flags::dontwait | zmq::send_flags::sndmore)) return false;
  (void)socket_.send(zmq::buffer(&ticket, sizeof ticket), zmq::send_flags::sndmore);
  (void)socket_.send(zmq::buffer(request.data(), request.size()), zmq::send_flags::none);
  return true;
}

}  // namespace calmon::daemon
