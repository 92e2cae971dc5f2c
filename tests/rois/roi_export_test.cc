// roi_export_test.cc — the ROIs of a running calmond, asked on its control socket: a stand-in
// REP socket answers as calmond does (a RoiSetInfo), refuses, or says nothing useful.
#include "rois/roi_export.h"

#include <gtest/gtest.h>

#include <zmq.hpp>

#include <string>
#include <thread>

#include "calmon/wire.pb.h"
#include "core/error.h"
#include "net/curve_keys.h"

namespace calmon::rois_tool {
namespace {

// Answers one request on a loopback port with `reply`, after checking it asks for "rois";
// with `server_secret_key`, as a CURVE server (any client key accepted: no ZAP handler).
class OneReply {
 public:
  explicit OneReply(std::string reply, const std::string& server_secret_key = "")
      : socket_(context_, zmq::socket_type::rep) {
    socket_.set(zmq::sockopt::linger, 0);
    if (!server_secret_key.empty()) {
      socket_.set(zmq::sockopt::curve_server, true);
      socket_.set(zmq::sockopt::curve_secretkey, server_secret_key);
    }
    socket_.bind("tcp://127.0.0.1:*");
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    thread_ = std::thread([this, reply = std::move(reply)] {
      zmq::message_t request;
      if (!socket_.recv(request)) return;
      pb::ControlRequest parsed;
      asked_for_rois_ = parsed.ParseFromArray(request.data(), static_cast<int>(request.size())) && parsed.has_rois();
      socket_.send(zmq::buffer(reply));
    });
  }
  ~OneReply() { thread_.join(); }
  const std::string& endpoint() const { return endpoint_; }
  bool asked_for_rois() const { return asked_for_rois_; }

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
  std::string endpoint_;
  std::thread thread_;
  bool asked_for_rois_ = false;
};

TEST(RoisOfDaemon, TakesEachRoisNameAndRegion) {
  pb::ControlReply reply;
  reply.set_ok(true);
  pb::RoiInfo* roi = reply.mutable_rois()->add_rois();
  roi->set_name("cell1");
  roi->mutable_region()->mutable_pixel()->set_x(21);
  roi->mutable_neuropil()->mutable_pixel()->set_x(3);  // not exported
  roi->set_baseline("moving median, window 501");
  pb::RoiSet set;
  {
    OneReply server(reply.SerializeAsString());
    set = rois_of_daemon(server.endpoint(), std::chrono::milliseconds(5000));
  }
  ASSERT_EQ(set.rois_size(), 1);
  EXPECT_EQ(set.rois(0).name(), "cell1");
  EXPECT_EQ(set.rois(0).region().pixel().x(), 21);
  EXPECT_FALSE(set.rois(0).has_neuropil());
}

TEST(RoisOfDaemon, ARefusalOrAnotherAnswerIsOneLine) {
  pb::ControlReply refused;
  refused.set_error("malformed control request: ...");
  {
    OneReply server(refused.SerializeAsString());
    try {
      rois_of_daemon(server.endpoint(), std::chrono::milliseconds(5000));
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()),
                server.endpoint() + ": calmond refused the rois request: malformed control request: ...");
    }
    // (the destructor joins the answering thread)
  }
  pb::ControlReply status;
  status.set_ok(true);
  status.mutable_status();
  OneReply server(status.SerializeAsString());
  EXPECT_THROW(rois_of_daemon(server.endpoint(), std::chrono::milliseconds(5000)), Error);
  EXPECT_TRUE(server.asked_for_rois());
}

TEST(RoisOfDaemon, AsksACalmondWithCurveWithTheClientsKeys) {
  const net::CurveKeyPair server = net::generate_curve_key_pair();
  pb::ControlReply reply;
  reply.set_ok(true);
  reply.mutable_rois()->add_rois()->set_name("cell1");
  OneReply curve_server(reply.SerializeAsString(), server.secret_key);
  const net::CurveClientKeys keys{server.public_key, net::generate_curve_key_pair()};
  const pb::RoiSet set = rois_of_daemon(curve_server.endpoint(), std::chrono::milliseconds(5000), keys);
  ASSERT_EQ(set.rois_size(), 1);
  EXPECT_EQ(set.rois(0).name(), "cell1");
}

TEST(RoisOfDaemon, NoAnswerWithinTheDeadline) {
  zmq::context_t context;
  zmq::socket_t silent(context, zmq::socket_type::rep);  // bound, never answers
  silent.set(zmq::sockopt::linger, 0);
  silent.bind("tcp://127.0.0.1:*");
  const std::string endpoint = silent.get(zmq::sockopt::last_endpoint);
  try {
    rois_of_daemon(endpoint, std::chrono::milliseconds(200));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              endpoint + ": no answer to the rois request within 200 ms (is calmond running there?)");
  }
}

}  // namespace
}  // namespace calmon::rois_tool
