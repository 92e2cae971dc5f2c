// plane_route.cc — --route's text into planes and endpoints; see the header.
#include "replay/plane_route.h"

#include <charconv>
#include <set>
#include <string_view>

#include "core/error.h"

namespace calmon::replay {

std::string control_beside(const std::string& ingest) {
  constexpr std::string_view kTcp = "tcp://";
  const std::size_t colon = ingest.rfind(':');
  if (!ingest.starts_with(kTcp) || colon <= kTcp.size()) return "tcp://127.0.0.1:5572";
  return ingest.substr(0, colon) + ":5572";
}

PlaneRoute parse_plane_route(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos) {
    throw Error("--route expects PLANE=ENDPOINT[,CONTROL], e.g. 2=tcp://10.0.0.3:5570, got '" + text + "'");
  }
  PlaneRoute route;
  const std::string_view plane(text.data(), equals);
  const auto [end, error] = std::from_chars(plane.data(), plane.data() + plane.size(), route.plane);
  if (plane.empty() || error != std::errc() || end != plane.data() + plane.size() || route.plane < 0) {
    throw Error("--route '" + text + "': the plane must be a number 0 or more, got '" + std::string(plane) + "'");
  }
  const std::string endpoints = text.substr(equals + 1);
  const std::size_t comma = endpoints.find(',');
  route.endpoint = endpoints.substr(0, comma);
  route.control_endpoint = comma == std::string::npos ? control_beside(route.endpoint) : endpoints.substr(comma + 1);
  if (route.endpoint.empty() || route.control_endpoint.empty()) {
    throw Error("--route '" + text + "': an endpoint is empty");
  }
  return route;
}

std::vector<PlaneRoute> parse_plane_routes(const std::vector<std::string>& texts) {
  std::vector<PlaneRoute> routes;
  std::set<int> planes;
  for (const std::string& text : texts) {
    routes.push_back(parse_plane_route(text));
    if (!planes.insert(routes.back().plane).second) {
      throw Error("--route: plane " + std::to_string(routes.back().plane) +
                  " is routed twice; each plane goes to the one calmond that analyses it");
    }
  }
  return routes;
}

}  // namespace calmon::replay
