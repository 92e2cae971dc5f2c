// subscription_test.cc — the recorder's two SUB sockets against a PUB socket in the same
// process (inproc): live() only once both have delivered a message, each message handed
// out once (the status copies the projections' socket receives are not), traces in the
// order published, a message that is not [topic][payload] skipped, a bad endpoint named.
// PUB/SUB drops what is published before a subscription is in place, so the tests
// publish Status until the subscriptions are live, with a deadline, as calmond does.
#include "record/subscription.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/error.h"
#include "net/topics.h"

namespace calmon::record_tool {
namespace {

using namespace std::chrono_literals;

class SubscriptionTest : public ::testing::Test {
 protected:
  SubscriptionTest() : publisher_(context_, zmq::socket_type::pub) {
    publisher_.set(zmq::sockopt::linger, 0);
    publisher_.bind(kEndpoint);
  }

  void publish(std::string_view topic, const std::string& payload) {
    publisher_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
    publisher_.send(zmq::buffer(payload), zmq::send_flags::none);
  }

  // Publishes a Status every 10 ms until `subscription` is live (or 10 s passed), then
  // takes every message that came meanwhile; returns their topics.
  std::vector<std::string> wait_until_live(Subscription& subscription) {
    std::vector<std::string> topics;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!subscription.live() && std::chrono::steady_clock::now() < deadline) {
      publish(net::kStatusTopic, "s");
      while (auto message = subscription.receive(10ms)) topics.push_back(message->topic);
    }
    return topics;
  }

  static constexpr const char* kEndpoint = "inproc://calmond-publish";
  zmq::context_t context_{1};
  zmq::socket_t publisher_;
};

TEST_F(SubscriptionTest, LiveOnceBothSocketsHeardAndEachMessageHandedOutOnce) {
  Subscription subscription(context_, kEndpoint);
  EXPECT_FALSE(subscription.live());
  const std::vector<std::string> before = wait_until_live(subscription);
  ASSERT_TRUE(subscription.live());
  for (const std::string& topic : before) EXPECT_EQ(topic, "status");  // from the traces' socket only
  EXPECT_FALSE(before.empty());

  publish(net::kTracesTopic, "t1");
  publish(net::kRoisTopic, "r");
  publish(net::kStatusTopic, "s");
  publish(net::kTracesTopic, "t2");
  publish(net::kProjectionsTopic, "p");
  std::vector<std::string> received;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (received.size() < 5 && std::chrono::steady_clock::now() < deadline) {
    if (auto message = subscription.receive(100ms)) {
      received.push_back(message->topic + ":" + message->payload.to_string());
    }
  }
  // One socket keeps traces, ROI sets and status in publication order; the snapshot
  // comes from the other, so where it falls among them is not fixed.
  std::erase(received, "projections:p");
  EXPECT_EQ(received, (std::vector<std::string>{"traces:t1", "rois:r", "status:s", "traces:t2"}));
  EXPECT_FALSE(subscription.receive(20ms)) << "a status was handed out twice";
}

TEST_F(SubscriptionTest, AMessageThatIsNotTopicAndPayloadIsSkipped) {
  Subscription subscription(context_, kEndpoint);
  wait_until_live(subscription);
  publisher_.send(zmq::buffer(std::string_view("traces")), zmq::send_flags::none);  // no payload
  publish(net::kTracesTopic, "whole");
  std::optional<PublishedMessage> message;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!message && std::chrono::steady_clock::now() < deadline) message = subscription.receive(100ms);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->payload.to_string(), "whole");
}

TEST(Subscription, ABadEndpointIsNamed) {
  zmq::context_t context(1);
  try {
    Subscription subscription(context, "tcp://nowhere");
    FAIL() << "connected to a bad endpoint";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot connect to 'tcp://nowhere': ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace calmon::record_tool
