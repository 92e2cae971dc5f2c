// tee_publisher.h — publishing to the ZeroMQ subscribers and, if one watches, the dashboard.
//
// The session logic publishes through one Publisher (publisher.h); this one sends every
// message to the publish socket first, then offers it to the dashboard feed, which
// ignores it unless a browser is connected (and bounds what it keeps on its own,
// dashboard_feed.h), whether or not the publish budget let it out to subscribers.
#pragma once

#include "daemon/dashboard_feed.h"
#include "daemon/publisher.h"

namespace calmon::daemon {

class TeePublisher final : public Publisher {
 public:
  TeePublisher(Publisher& subscribers, DashboardFeed& dashboard) : subscribers_(subscribers), dashboard_(dashboard) {}
  bool publish(std::string_view topic, const google::protobuf::MessageLite& message, Importance importance) override {
    const bool published = subscribers_.publish(topic, message, importance);
    dashboard_.offer(topic, message);
    return published;
  }
  void report(pb::Status& status) const override { subscribers_.report(status); }
  void flush_log(std::chrono::steady_clock::time_point now) override { subscribers_.flush_log(now); }

 private:
  Publisher& subscribers_;
  DashboardFeed& dashboard_;
};

}  // namespace calmon::daemon
