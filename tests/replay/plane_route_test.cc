// plane_route_test.cc — --route's text: a plane and its calmond's ingest and control
// sockets; each plane once; one-line errors naming the mistake. (--route among
// calmon-replay's other options: replay_options_test.cc.)
#include "replay/plane_route.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace calmon::replay {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_plane_route(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(PlaneRoute, TheControlSocketIsPort5572OnTheIngestHostUnlessGiven) {
  const PlaneRoute route = parse_plane_route("2=tcp://10.0.0.3:5570");
  EXPECT_EQ(route.plane, 2);
  EXPECT_EQ(route.endpoint, "tcp://10.0.0.3:5570");
  EXPECT_EQ(route.control_endpoint, "tcp://10.0.0.3:5572");
  const PlaneRoute given = parse_plane_route("0=tcp://127.0.0.1:6570,tcp://127.0.0.1:6572");
  EXPECT_EQ(given.plane, 0);
  EXPECT_EQ(given.endpoint, "tcp://127.0.0.1:6570");
  EXPECT_EQ(given.control_endpoint, "tcp://127.0.0.1:6572");
  EXPECT_EQ(parse_plane_route("1=ipc:///tmp/plane1").control_endpoint, "tcp://127.0.0.1:5572");
}

TEST(PlaneRoute, MistakesAreOneLineNamingThem) {
  EXPECT_EQ(error_of("tcp://10.0.0.3:5570"),
            "--route expects PLANE=ENDPOINT[,CONTROL], e.g. 2=tcp://10.0.0.3:5570, got 'tcp://10.0.0.3:5570'");
  EXPECT_EQ(error_of("x=tcp://a:1"), "--route 'x=tcp://a:1': the plane must be a number 0 or more, got 'x'");
  EXPECT_EQ(error_of("-1=tcp://a:1"), "--route '-1=tcp://a:1': the plane must be a number 0 or more, got '-1'");
  EXPECT_EQ(error_of("=tcp://a:1"), "--route '=tcp://a:1': the plane must be a number 0 or more, got ''");
  EXPECT_EQ(error_of("1="), "--route '1=': an endpoint is empty");
  EXPECT_EQ(error_of("1=tcp://a:1,"), "--route '1=tcp://a:1,': an endpoint is empty");
}

TEST(PlaneRoute, EachPlaneIsRoutedOnce) {
  const std::vector<PlaneRoute> routes = parse_plane_routes({"1=tcp://a:5570", "0=tcp://b:5570"});
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].plane, 1);  // in the order given
  EXPECT_EQ(routes[1].control_endpoint, "tcp://b:5572");
  try {
    parse_plane_routes({"1=tcp://a:5570", "1=tcp://b:5570"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--route: plane 1 is routed twice; each plane goes to the one calmond that analyses it");
  }
}

}  // namespace
}  // namespace calmon::replay
