// loopback_test.cc — which endpoints and hosts stay on this machine (protected mode, the
// dashboard): loopback addresses in every spelling, local transports; everything else,
// including what only resolution could tell, counts as reachable from the network.
#include <gtest/gtest.h>

#include <string>

#include "net/loopback.h"

namespace calmon::net {
namespace {

TEST(Loopback, LoopbackHostsInEverySpelling) {
  for (const char* host : {"127.0.0.1", "127.0.0.53", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1",
                           "::ffff:127.0.0.1", "[::ffff:127.1.2.3]", "localhost", "LocalHost", "lo"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
}

TEST(Loopback, EverythingElseIsTheNetwork) {
  // A list of 20 or more items, which clang-format would put one per line.
  // clang-format off
  for (const char* host : {"*", "0.0.0.0", "::", "[::]", "192.168.1.10", "10.0.0.1", "128.0.0.1", "126.255.255.255",
                           "::2", "::ffff:10.0.0.1", "fe80::1", "eth0", "enp3s0", "lo0", "lo:1", "rig-pc",
                           "localhost.example.org", "127.0.0.1.example.org", "127.1", "", "[::1", "::1]"}) {
    // clang-format on
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

TEST(Loopback, EndpointsOfLocalTransportsAreLocal) {
  for (const char* endpoint : {"ipc:///tmp/calmond-ingest", "ipc://@abstract", "inproc://frames"}) {
    EXPECT_TRUE(is_loopback_endpoint(endpoint)) << endpoint;
  }
}

TEST(Loopback, TcpEndpointsAreJudgedByTheirHost) {
  for (const char* endpoint : {"tcp://127.0.0.1:5570", "tcp://127.0.0.1:*", "tcp://[::1]:5571", "tcp://::1:5571",
                               "tcp://localhost:5572", "tcp://lo:5570"}) {
    EXPECT_TRUE(is_loopback_endpoint(endpoint)) << endpoint;
  }
  for (const char* endpoint :
       {"tcp://*:5570", "tcp://0.0.0.0:5570", "tcp://[::]:5570", "tcp://192.168.1.10:5570", "tcp://eth0:5570",
        "tcp://rig-pc:5570", "tcp://127.0.0.1", "tcp://", "tcp://10.0.0.1;127.0.0.1:5570"}) {
    EXPECT_FALSE(is_loopback_endpoint(endpoint)) << endpoint;
  }
}

TEST(Loopback, OtherTransportsAndMalformedEndpointsAreTheNetwork) {
  for (const char* endpoint :
       {"pgm://eth0;239.192.1.1:5555", "epgm://127.0.0.1;239.192.1.1:5555", "udp://127.0.0.1:5570",
        "ws://127.0.0.1:5570", "127.0.0.1:5570", "TCP://127.0.0.1:1", ""}) {
    EXPECT_FALSE(is_loopback_endpoint(endpoint)) << endpoint;
  }
}

}  // namespace
}  // namespace calmon::net
