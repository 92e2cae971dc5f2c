// subscription_counter_test.cc — subscriptions counted from XPUB's subscribe (1) and
// unsubscribe (0) messages, per prefix, never below zero; a topic is wanted when an
// active prefix matches it.
#include "daemon/subscription_counter.h"

#include <gtest/gtest.h>

#include <string>

namespace calmon::daemon {
namespace {

void feed(SubscriptionCounter& counter, const std::string& message) {
  counter.on_message(message.data(), message.size());
}

TEST(SubscriptionCounter, SubscribesAddAndUnsubscribesRemove) {
  SubscriptionCounter counter;
  feed(counter, std::string("\x01traces"));
  feed(counter, std::string("\x01status"));
  feed(counter, std::string("\x01traces"));  // a second subscriber
  EXPECT_EQ(counter.active(), 3u);
  feed(counter, std::string("\x00traces", 7));
  EXPECT_EQ(counter.active(), 2u);
  EXPECT_TRUE(counter.wanted("traces"));
  feed(counter, std::string("\x00traces", 7));
  EXPECT_FALSE(counter.wanted("traces"));
  EXPECT_TRUE(counter.wanted("status"));
}

TEST(SubscriptionCounter, ATopicIsWantedWhenAnActivePrefixMatchesIt) {
  SubscriptionCounter counter;
  EXPECT_FALSE(counter.wanted("projections"));
  feed(counter, std::string("\x01proj"));
  EXPECT_TRUE(counter.wanted("projections"));
  EXPECT_FALSE(counter.wanted("traces"));
  feed(counter, std::string("\x01", 1));  // everything
  EXPECT_TRUE(counter.wanted("traces"));
  feed(counter, std::string("\x00", 1));
  EXPECT_FALSE(counter.wanted("traces"));
}

TEST(SubscriptionCounter, OtherMessagesAreIgnoredAndTheCountNeverGoesNegative) {
  SubscriptionCounter counter;
  feed(counter, "");
  feed(counter, "hello");
  feed(counter, std::string("\x00traces", 7));  // never subscribed
  EXPECT_EQ(counter.active(), 0u);
  feed(counter, std::string("\x01status"));
  feed(counter, std::string("\x00traces", 7));
  EXPECT_EQ(counter.active(), 1u);
}

// A new subscriber to traces or rois makes calmond publish the ROI set at once.
TEST(SubscriptionCounter, SubscribesToTellsANewSubscriptionThatReceivesATopic) {
  const auto subscribes_to = [](const std::string& message, std::string_view topic) {
    return SubscriptionCounter::subscribes_to(message.data(), message.size(), topic);
  };
  EXPECT_TRUE(subscribes_to(std::string("\x01rois"), "rois"));
  EXPECT_TRUE(subscribes_to(std::string("\x01tr"), "traces"));
  EXPECT_TRUE(subscribes_to(std::string("\x01", 1), "traces"));  // the empty prefix: everything
  EXPECT_FALSE(subscribes_to(std::string("\x01status"), "rois"));
  EXPECT_FALSE(subscribes_to(std::string("\x01tracesX"), "traces"));
  EXPECT_FALSE(subscribes_to(std::string("\x00rois", 5), "rois"));  // an unsubscription
  EXPECT_FALSE(subscribes_to(std::string(), "rois"));
}

}  // namespace
}  // namespace calmon::daemon
