// publish_budget_test.cc — the bytes ZeroMQ holds for subscribers, counted exactly (once
// however many subscribers share a message, until the last lets go), and messages
// withheld when publishing them would exceed the budget.
#include "daemon/publish_budget.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/socket_publisher.h"

namespace calmon::daemon {
namespace {

using Importance = PublishBudget::Importance;

// Polls `condition` until it holds or 10 s have passed.
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(PublishBudget, EveryPayloadIsHeldUntilFreed) {
  PublishBudget budget(1 << 20);
  EXPECT_EQ(budget.held_bytes(), 0u);
  {
    zmq::message_t small = budget.allocate(100);
    EXPECT_EQ(small.size(), 100u);
    const std::size_t small_bytes = budget.held_bytes();  // with its bookkeeping
    EXPECT_GE(small_bytes, 100u);
    EXPECT_LT(small_bytes, 200u);
    zmq::message_t big = budget.allocate(PublishBudget::kMapThreshold);  // mapped: whole pages
    std::memset(big.data(), 7, big.size());
    EXPECT_EQ((budget.held_bytes() - small_bytes) % 4096, 0u);
    zmq::message_t shared;
    shared.copy(big);  // one payload, two references: counted once
    EXPECT_LT(budget.held_bytes(), 100u + PublishBudget::kMapThreshold + 8192u);
  }
  EXPECT_EQ(budget.held_bytes(), 0u);
}

TEST(PublishBudget, OptionalMessagesMayUseHalfTheBudget) {
  PublishBudget budget(1000);
  EXPECT_TRUE(budget.admits(1000, Importance::kEssential));
  EXPECT_FALSE(budget.admits(1001, Importance::kEssential));
  EXPECT_TRUE(budget.admits(500, Importance::kOptional));
  EXPECT_FALSE(budget.admits(501, Importance::kOptional));
  const zmq::message_t held = budget.allocate(300);
  const std::size_t left = 1000 - budget.held_bytes();
  EXPECT_TRUE(budget.admits(left, Importance::kEssential));
  EXPECT_FALSE(budget.admits(left + 1, Importance::kEssential));
  EXPECT_TRUE(budget.admits(500 - budget.held_bytes(), Importance::kOptional));
  EXPECT_FALSE(budget.admits(501 - budget.held_bytes(), Importance::kOptional));
}

// A publish socket with subscribers that never read, over inproc.
struct Sockets {
  zmq::context_t context;
  zmq::socket_t publish{context, zmq::socket_type::xpub};
  std::vector<zmq::socket_t> subscribers;

  explicit Sockets(int count) {
    publish.set(zmq::sockopt::linger, 0);
    publish.set(zmq::sockopt::xpub_verbose, 1);  // every subscription is read, repeated ones too
    publish.bind("inproc://publish-budget-test");
    for (int i = 0; i < count; ++i) {
      zmq::socket_t& sub = subscribers.emplace_back(context, zmq::socket_type::sub);
      sub.set(zmq::sockopt::linger, 0);
      sub.set(zmq::sockopt::subscribe, "");
      sub.connect("inproc://publish-budget-test");
      zmq::message_t subscription;  // once it has arrived, messages go to it
      EXPECT_TRUE(eventually([&] { return publish.recv(subscription, zmq::recv_flags::dontwait).has_value(); }));
    }
  }
};

TEST(PublishBudget, MessagesQueuedForSubscribersAreHeldOnceUntilTheyLeave) {
  PublishBudget budget(std::size_t{64} << 20);
  Sockets sockets(3);
  SocketPublisher publisher(sockets.publish, budget, [](const std::string&) {});
  pb::ProjectionSnapshot snapshot;
  snapshot.add_images()->mutable_pixels()->Resize(1 << 17, 1.5);  // 1 MiB
  const std::size_t size = snapshot.ByteSizeLong();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(publisher.publish("projections", snapshot, Importance::kEssential));
  EXPECT_GE(budget.held_bytes(), 4 * size);             // queued for three subscribers...
  EXPECT_LT(budget.held_bytes(), 4 * size + 4 * 8192);  // ...counted once
  sockets.subscribers.clear();                          // they leave: ZeroMQ drops their queues, once the
  EXPECT_TRUE(eventually([&] {                          // publish socket is used (calmond polls it all the time)
    (void)sockets.publish.get(zmq::sockopt::events);
    return budget.held_bytes() == 0;
  })) << budget.held_bytes();
}

TEST(PublishBudget, WhatWouldExceedTheBudgetIsWithheldAndCountedByTopic) {
  PublishBudget budget(std::size_t{3} << 20);
  Sockets sockets(1);
  std::vector<std::string> log;
  SocketPublisher publisher(sockets.publish, budget, [&](const std::string& line) { log.push_back(line); });
  pb::ProjectionSnapshot snapshot;
  snapshot.add_images()->mutable_pixels()->Resize(1 << 17, 1.5);  // 1 MiB
  EXPECT_TRUE(publisher.publish("projections", snapshot, Importance::kOptional));
  EXPECT_FALSE(publisher.publish("projections", snapshot, Importance::kOptional));  // over half the budget
  EXPECT_TRUE(publisher.publish("traces", snapshot, Importance::kEssential));
  EXPECT_FALSE(publisher.publish("traces", snapshot, Importance::kEssential));  // over the budget
  EXPECT_FALSE(publisher.publish("traces", snapshot, Importance::kEssential));
  pb::Status status;
  publisher.report(status);
  EXPECT_EQ(status.publish_bytes_held(), budget.held_bytes());
  EXPECT_GE(status.publish_bytes_held(), 2 * snapshot.ByteSizeLong());
  EXPECT_EQ(status.withheld().at("projections"), 1u);
  EXPECT_EQ(status.withheld().at("traces"), 2u);
  ASSERT_EQ(log.size(), 2u);  // once per topic per second
  EXPECT_NE(log[1].find("withheld a 'traces' message of 1.0 MiB"), std::string::npos) << log[1];

  zmq::message_t message;  // the subscriber reads: the budget frees up
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(sockets.subscribers[0].recv(message));
  message = zmq::message_t();
  EXPECT_TRUE(eventually([&] { return budget.held_bytes() == 0; }));
  EXPECT_TRUE(publisher.publish("traces", snapshot, Importance::kEssential));
}

}  // namespace
}  // namespace calmon::daemon
