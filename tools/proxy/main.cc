// calmon-proxy — one publish endpoint for several calmond: ZeroMQ's own XSUB/XPUB proxy.
//
// A volumetric session spreads its planes over several calmond processes (docs/scale.md).
// calmon-proxy connects an XSUB socket to each one's publish socket (--from, repeated)
// and binds one XPUB socket (--publish) for every subscriber: calmon-record, calmon-sub,
// the dashboard's peers, Python. Messages go downstream unchanged — each carries its
// calmond's plane (wire.proto: `plane`) — and subscriptions go upstream: a topic's first
// subscription and its last unsubscription, as ZeroMQ's XPUB and XSUB pass them on (an
// XSUB forwards only the unsubscription that leaves a topic unused, so passing every
// subscribe, ZMQ_XPUB_VERBOSE, would leave calmond counting subscribers long gone). Each
// calmond therefore counts the topics the proxy's subscribers hold, 0 when none is left,
// and computes no projections nobody receives; it greets the first subscriber of a topic
// with its ROI set at once, later ones get it with the next Status (every second).
// zmq_proxy does the work; nothing here looks into a message. SIGINT or
// SIGTERM interrupts it (the handler is installed without SA_RESTART) and the proxy
// closes its sockets and exits 0. Like calmond, it binds only to this machine unless
// told --allow-unprotected: it has no CURVE of its own.
#include <zmq.hpp>

#include <cerrno>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "core/error.h"
#include "net/loopback.h"
#include "net/stop_signals.h"

namespace {

namespace po = boost::program_options;

const calmon::cli::CommandLine kCommandLine(
    "calmon-proxy",
    "usage: calmon-proxy --from ENDPOINT [--from ENDPOINT ...] [--publish ENDPOINT] [--hwm N]\n"
    "                    [--allow-unprotected] [--help]\n"
    "\n"
    "Forwards what several calmond publish to one endpoint: subscribers connect to --publish\n"
    "and receive every calmond's messages, each saying its plane (docs/scale.md).\n");

constexpr const char* kDefaultPublish = "tcp://127.0.0.1:5581";

int run(const po::variables_map& values) {
  const auto sources = values["from"].as<std::vector<std::string>>();
  const std::string publish = values["publish"].as<std::string>();
  const int hwm = values["hwm"].as<int>();
  if (hwm < 1) throw calmon::Error("--hwm must be 1 or more messages, got " + std::to_string(hwm));
  if (!calmon::net::is_loopback_endpoint(publish) && values.count("allow-unprotected") == 0) {
    throw calmon::Error("--publish " + publish +
                        " can be reached from other machines and calmon-proxy has no CURVE; give "
                        "--allow-unprotected on a trusted network, or bind to 127.0.0.1");
  }
  zmq::context_t context(1);
  zmq::socket_t upstream(context, zmq::socket_type::xsub);
  zmq::socket_t downstream(context, zmq::socket_type::xpub);
  for (zmq::socket_t* socket : {&upstream, &downstream}) socket->set(zmq::sockopt::linger, 0);
  upstream.set(zmq::sockopt::rcvhwm, hwm);
  downstream.set(zmq::sockopt::sndhwm, hwm);
  for (const std::string& source : sources) {
    try {
      upstream.connect(source);
    } catch (const zmq::error_t& e) {
      throw calmon::Error("cannot connect to calmond's publish socket '" + source + "': " + e.what());
    }
  }
  try {
    downstream.bind(publish);
  } catch (const zmq::error_t& e) {
    throw calmon::Error("cannot bind '" + publish + "': " + e.what());
  }
  const calmon::net::StopSignals signals(calmon::net::StopSignals::Repeat::kIgnore);
  std::cout << "calmon-proxy: ready: " << sources.size() << (sources.size() == 1 ? " calmond" : " calmonds") << " -> "
            << downstream.get(zmq::sockopt::last_endpoint) << std::endl;
  while (!signals.requested()) {
    try {
      zmq::proxy(upstream, downstream);
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
  }
  std::cout << "calmon-proxy: stopped" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description shown("options");
  // clang-format off
  shown.add_options()
      ("from", po::value<std::vector<std::string>>()->composing(),
       "a calmond's publish socket, e.g. tcp://10.0.0.2:5571; once per calmond")
      ("publish", po::value<std::string>()->default_value(kDefaultPublish),
       "where subscribers connect (XPUB, bound)")
      ("hwm", po::value<int>()->default_value(100000),
       "messages queued per subscriber (and from the calmonds) before the slowest loses some")
      ("allow-unprotected", "bind --publish to an address other machines can reach")
      ("help,h", "this text");
  // clang-format on
  const po::variables_map values = kCommandLine.parse(argc, argv, shown);
  if (values.count("from") == 0) kCommandLine.usage_error("give at least one --from ENDPOINT");
  return kCommandLine.run([&] { return run(values); });
}
