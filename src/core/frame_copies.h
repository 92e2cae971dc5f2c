// frame_copies.h — frames kept by value while they wait (for the motion reference).
//
// A view (frame_view.h) lives only as long as whoever received the frame keeps it; the
// first frames of a motion-corrected session must outlive that, until the reference is
// built from them. This holds their pixels, and views of them, in arrival order.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>

#include "core/frame_view.h"

namespace calmon {

class FrameCopies {
 public:
  void add(AnyFrameView frame) {
    auto bytes = std::make_unique<unsigned char[]>(frame.byte_size());
    std::memcpy(bytes.get(), frame.data(), frame.byte_size());
    views_.emplace_back(frame.type(), bytes.get(), frame.shape());
    pixels_.push_back(std::move(bytes));
  }
  const std::vector<AnyFrameView>& views() const { return views_; }
  std::size_t size() const { return views_.size(); }
  void clear() {
    views_.clear();
    pixels_.clear();
  }

 private:
  std::vector<std::unique_ptr<unsigned char[]>> pixels_;
  std::vector<AnyFrameView> views_;
};

}  // namespace calmon
