// roi_export.cc — the ROIs of a config file or of calmond; see the header.
#include "roi_export.h"

#include <zmq.hpp>

#include "calmon/wire.pb.h"
#include "config/config_file.h"
#include "core/error.h"

namespace calmon::rois_tool {

pb::RoiSet rois_of_config(const std::string& path) {
  const pb::Config config = config::load_config(path);
  pb::RoiSet set;
  for (int i = 0; i < config.rois_size(); ++i) {
    pb::Roi* roi = set.add_rois();
    roi->set_name(config::roi_name(config.rois(i), static_cast<std::size_t>(i)));
    *roi->mutable_region() = config.rois(i).region();
  }
  return set;
}

pb::RoiSet rois_of_daemon(const std::string& control_endpoint, std::chrono::milliseconds deadline,
                          const std::optional<net::CurveClientKeys>& curve) {
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::req);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::rcvtimeo, static_cast<int>(deadline.count()));
  socket.set(zmq::sockopt::sndtimeo, static_cast<int>(deadline.count()));
  net::apply_curve_client(socket, curve);
  socket.connect(control_endpoint);
  pb::ControlRequest request;
  request.mutable_rois();
  const std::string bytes = request.SerializeAsString();
  if (!socket.send(zmq::buffer(bytes))) throw Error(control_endpoint + ": could not send the rois request");
  zmq::message_t answer;
  if (!socket.recv(answer)) {
    throw Error(control_endpoint + ": no answer to the rois request within " + std::to_string(deadline.count()) +
                " ms (is calmond running there?)");
  }
  pb::ControlReply reply;
  if (!reply.ParseFromArray(answer.data(), static_cast<int>(answer.size()))) {
    throw Error(control_endpoint + ": the answer is not a ControlReply");
  }
  if (!reply.ok()) throw Error(control_endpoint + ": calmond refused the rois request: " + reply.error());
  if (!reply.has_rois()) throw Error(control_endpoint + ": calmond's answer holds no ROI set");
  pb::RoiSet set;
  for (const pb::RoiInfo& info : reply.rois().rois()) {
    pb::Roi* roi = set.add_rois();
    roi->set_name(info.name());
    *roi->mutable_region() = info.region();
  }
  return set;
}

}  // namespace calmon::rois_tool
