// settled_queue_test.cc — SettledQueue is a FIFO whatever its pushes and pops: in place,
// while its ring grows, and across the ring's wrap-around.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <random>

#include "core/settled_queue.h"

namespace calmon {
namespace {

TEST(SettledQueue, GivesBackWhatWasPushedInOrderAsADequeWould) {
  std::mt19937 rng(3);
  SettledQueue queue;
  std::deque<SettledSample> expected;
  double next = 0.0;
  // Bursts of pushes (a finished baseline's tail) and pops, the queue often emptied.
  for (int step = 0; step < 20000; ++step) {
    const int pushes = static_cast<int>(rng() % (step % 1000 < 500 ? 3 : 40));
    for (int i = 0; i < pushes; ++i) {
      const SettledSample sample{next, -next};
      next += 1.0;
      queue.push_back(sample);
      expected.push_back(sample);
    }
    const auto pops = static_cast<std::size_t>(rng() % 4);
    for (std::size_t i = 0; i < pops && !expected.empty(); ++i) {
      ASSERT_FALSE(queue.empty());
      ASSERT_EQ(queue.front().f, expected.front().f) << "step " << step;
      ASSERT_EQ(queue.front().f0, expected.front().f0);
      queue.pop_front();
      expected.pop_front();
    }
    ASSERT_EQ(queue.size(), expected.size());
    ASSERT_EQ(queue.empty(), expected.empty());
  }
}

TEST(SettledQueue, AppendsARangeInOrder) {
  SettledQueue queue;
  queue.push_back({-1.0, 0.0});
  const std::vector<SettledSample> tail = {{1.0, 1.5}, {2.0, 2.5}, {3.0, 3.5}, {4.0, 4.5}, {5.0, 5.5}};
  queue.append(tail.begin(), tail.end());
  ASSERT_EQ(queue.size(), 6u);
  EXPECT_EQ(queue.front().f, -1.0);
  queue.pop_front();
  for (const SettledSample& sample : tail) {
    EXPECT_EQ(queue.front().f, sample.f);
    EXPECT_EQ(queue.front().f0, sample.f0);
    queue.pop_front();
  }
  EXPECT_TRUE(queue.empty());
}

TEST(SettledQueue, RingBytesArePowersOfTwoBeyondTheTwoInPlace) {
  EXPECT_EQ(SettledQueue::ring_bytes(0), 0u);
  EXPECT_EQ(SettledQueue::ring_bytes(2), 0u);
  EXPECT_EQ(SettledQueue::ring_bytes(3), 4 * sizeof(SettledSample));
  EXPECT_EQ(SettledQueue::ring_bytes(1025), 2048 * sizeof(SettledSample));
  EXPECT_EQ(SettledQueue::ring_bytes(std::uint64_t{1} << 62), std::numeric_limits<std::uint64_t>::max());
}

}  // namespace
}  // namespace calmon
