// ingest_queue_test.cc — received messages queued in order, bounded in bytes, moved in
// and out without copying a byte.
#include "daemon/ingest_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace calmon::daemon {
namespace {

constexpr std::size_t kOverhead = IngestQueue::kPartOverhead;

// Queues a message of parts of the given sizes, the first byte of each part numbering it.
void push(IngestQueue& queue, std::int64_t time, std::vector<std::size_t> sizes) {
  std::vector<zmq::message_t>& parts = queue.back_parts();
  EXPECT_TRUE(parts.empty());
  for (std::size_t size : sizes) {
    parts.emplace_back(size);
    if (size > 0) *parts.back().data<char>() = static_cast<char>(time);
  }
  queue.push_back(time);
}

TEST(IngestQueue, MessagesComeOutInOrderWithTheirBytesCounted) {
  IngestQueue queue(1 << 20, 1000);
  EXPECT_TRUE(queue.empty());
  push(queue, 1, {20, 500});
  push(queue, 2, {20});
  EXPECT_EQ(queue.frames(), 2u);
  EXPECT_EQ(queue.bytes(), 540 + 3 * kOverhead);
  EXPECT_EQ(queue.front().receive_time_ns, 1);
  EXPECT_EQ(queue.front().parts.size(), 2u);
  queue.pop_front();
  EXPECT_EQ(queue.bytes(), 20 + kOverhead);
  EXPECT_EQ(queue.front().receive_time_ns, 2);
  queue.pop_front();
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.bytes(), 0u);
}

TEST(IngestQueue, ItTakesAMessageOnlyWhileTheLargestStillFits) {
  const std::size_t largest = 1000 + 2 * kOverhead;
  IngestQueue queue(3 * largest, largest);
  std::size_t taken = 0;
  while (queue.has_room()) {
    push(queue, static_cast<std::int64_t>(taken), {0, 1000});
    ++taken;
    ASSERT_LE(queue.bytes(), queue.limit_bytes());
  }
  EXPECT_EQ(taken, 3u);
  queue.pop_front();
  EXPECT_TRUE(queue.has_room());

  // A limit below the largest message still takes one at a time.
  IngestQueue small(10, largest);
  EXPECT_TRUE(small.has_room());
  push(small, 1, {0, 1000});
  EXPECT_FALSE(small.has_room());
}

TEST(IngestQueue, PixelsAreMovedNeverCopied) {
  IngestQueue queue(1 << 30, 1 << 20);
  std::vector<zmq::message_t>& parts = queue.back_parts();
  parts.emplace_back(std::size_t{1} << 20);
  const void* pixels = parts.back().data();
  queue.push_back(0);
  for (std::int64_t t = 1; t < 200; ++t) push(queue, t, {100});  // the ring grows, messages move
  EXPECT_EQ(queue.front().parts[0].data(), pixels);

  // The consumer may swap its previous frame's parts in; popping drops them.
  std::vector<zmq::message_t> previous;
  previous.emplace_back(64);
  previous.swap(queue.front().parts);
  EXPECT_EQ(previous[0].data(), pixels);
  queue.pop_front();
  EXPECT_EQ(queue.frames(), 199u);
}

TEST(IngestQueue, TheRingKeepsTheOrderWhenItGrowsAroundItsEnd) {
  IngestQueue queue(1 << 30, 100);
  std::int64_t next_in = 0;
  std::int64_t next_out = 0;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 50 + 40 * round; ++i) push(queue, next_in++, {1});
    for (int i = 0; i < 30; ++i) {
      ASSERT_EQ(queue.front().receive_time_ns, next_out);
      ASSERT_EQ(*queue.front().parts[0].data<char>(), static_cast<char>(next_out));
      queue.pop_front();
      ++next_out;
    }
  }
  while (!queue.empty()) {
    ASSERT_EQ(queue.front().receive_time_ns, next_out++);
    queue.pop_front();
  }
  EXPECT_EQ(next_out, next_in);
}

}  // namespace
}  // namespace calmon::daemon
