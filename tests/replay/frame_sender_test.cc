// frame_sender_test.cc — the send queue holds about 64 MiB of frames, within [2, 1000]
// frames; a malformed endpoint is a one-line error, not a crash.
#include "replay/frame_sender.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace calmon::replay {
namespace {

TEST(FrameSender, TheQueueHoldsAbout64MiBOfFrames) {
  EXPECT_EQ(queue_limit_frames(512 * 512 * 2), 128);
  EXPECT_EQ(queue_limit_frames(4 << 20), 16);
}

TEST(FrameSender, TheQueueHoldsAtLeastTwoAndAtMostAThousandFrames) {
  EXPECT_EQ(queue_limit_frames(80 * 60 * 2), 1000);
  EXPECT_EQ(queue_limit_frames(std::size_t{1} << 30), 2);
  EXPECT_EQ(queue_limit_frames(0), 1000);
}

TEST(FrameSender, AMalformedEndpointIsAnErrorNamingIt) {
  for (const std::string endpoint : {"localhost:5570", "tcp://127.0.0.1", "carrier-pigeon://home"}) {
    try {
      FrameSender sender(endpoint, 9600, std::chrono::milliseconds(100));
      ADD_FAILURE() << endpoint << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("cannot connect to '" + endpoint + "'"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace calmon::replay
