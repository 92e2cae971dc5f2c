// tee_publisher.h — publishing to the ZeroMQ subscribers and, if one watches, the dashboard.
//
// The session logic publishes through one Publisher (publisher.h); this one sends every
// message to the publish socket first, then offers it to the dashboard feed, which
// ignores it unless a browser is connected.
#pragma once

#include "daemon/dashboard_feed.h"
#include "daemon/publisher.h"

namespace calmon::daemon {

class TeePublisher final : public Publisher {
 public:
  TeePublisher(Publisher& subscribers, DashboardFeed& dashboard) : subscribers_(subscribers), dashboard_(dashboard) {}
  void publish(std::string_view topic, const google::protobuf::MessageLite& message) override {
    subscribers_.publish(topic, message);
    dashboard_.offer(topic, message);
  }

 private:
  Publisher& subscribers_;
  DashboardFeed& dashboard_;
};

}  // namespace calmon::daemon
