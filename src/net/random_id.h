// random_id.h — a random non-zero 64-bit number, to tell runs of a program apart.
//
// Each sender run stamps its frames with one (FrameHeader.stream_id), and each calmond
// run its messages (Status.daemon_id): a new number means a new run, so a restarted
// sender starts a new session and a restarted calmond is noticed by its subscribers.
// Zero is kept for "does not say". From std::random_device (the kernel's getrandom), so
// two runs started in the same nanosecond still differ.
#pragma once

#include <cstdint>
#include <random>

namespace calmon::net {

inline std::uint64_t random_id() {
  std::random_device device;
  std::uint64_t id = 0;
  while (id == 0) id = (std::uint64_t{device()} << 32) | device();
  return id;
}

}  // namespace calmon::net
