// tee_publisher.h — publishing to the ZeroMQ subscribers and to the dashboard.
//
// The session logic publishes through one Publisher (publisher.h); this one sends every
// message to the publish socket and hands it to the dashboard feed when the feed wants
// it (trace updates and ROI sets always while the dashboard keeps history, everything
// while a browser watches: dashboard_feed.h), whether or not the publish budget let it
// out to subscribers. A message the feed wants is serialized once, into a string the
// feed keeps, and copied into the subscribers' payload: the dashboard costs the pipeline
// thread one copy of the bytes (and an allocation), never a second serialization.
#pragma once

#include <string>

#include "daemon/dashboard_feed.h"
#include "daemon/publisher.h"
#include "daemon/socket_publisher.h"

namespace calmon::daemon {

class TeePublisher final : public Publisher {
 public:
  TeePublisher(SocketPublisher& subscribers, DashboardFeed& dashboard)
      : subscribers_(subscribers), dashboard_(dashboard) {}
  bool publish(std::string_view topic, const google::protobuf::MessageLite& message, Importance importance) override {
    if (!dashboard_.wants(topic)) return subscribers_.publish(topic, message, importance);
    std::string bytes = message.SerializeAsString();
    const bool published = subscribers_.publish_serialized(topic, bytes, importance);
    dashboard_.offer(topic, std::move(bytes));
    return published;
  }
  void report(pb::Status& status) const override { subscribers_.report(status); }
  void flush_log(std::chrono::steady_clock::time_point now) override { subscribers_.flush_log(now); }

 private:
  SocketPublisher& subscribers_;
  DashboardFeed& dashboard_;
};

}  // namespace calmon::daemon
