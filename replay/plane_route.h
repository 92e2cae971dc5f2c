// plane_route.h — calmon-replay's --route: which calmond each plane of a movie goes to.
//
// A volumetric movie (an ImageJ hyperstack or ScanImage file with several planes) is
// analysed by several calmond processes, one per plane, each started with its --plane.
// `--route Z=ENDPOINT[,CONTROL]` sends plane Z's frames to the ingest socket ENDPOINT
// and asks CONTROL (default: port 5572 on ENDPOINT's host, as for --to) for the end of
// stream's acknowledgement. One calmond analyses one plane, so a route names one plane,
// and a plane is routed once: every frame goes to the daemon that owns its plane and to
// no other (docs/scale.md).
#pragma once

#include <string>
#include <vector>

namespace calmon::replay {

struct PlaneRoute {
  int plane = 0;
  std::string endpoint;          // calmond's ingest socket
  std::string control_endpoint;  // its control socket
};

// "2=tcp://10.0.0.3:5570" or "2=tcp://127.0.0.1:6570,tcp://127.0.0.1:6572"; throws
// calmon::Error naming the problem (no '=', a plane that is no number >= 0, an empty
// endpoint).
PlaneRoute parse_plane_route(const std::string& text);

// Every route parsed; throws calmon::Error if a plane is routed twice.
std::vector<PlaneRoute> parse_plane_routes(const std::vector<std::string>& texts);

// calmond's control socket beside its ingest socket `ingest`: port 5572 on the same TCP
// host, else the default tcp://127.0.0.1:5572.
std::string control_beside(const std::string& ingest);

}  // namespace calmon::replay
