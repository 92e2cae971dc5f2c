// frame_view.h — zero-copy, typed views of one frame's pixels.
//
// A frame is `height` rows of `width` pixels, row-major, contiguous: numpy's
// `data[t]` with `data[t, y, x]` at `pixels[y * width + x]`. A view never owns or
// copies pixels; whoever received the frame (a file reader, a ZeroMQ message) keeps
// them alive while the view is used.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/pixel_type.h"

namespace calmon {

struct FrameShape {
  int width = 0;
  int height = 0;

  std::size_t pixel_count() const { return static_cast<std::size_t>(width) * static_cast<std::size_t>(height); }
  bool operator==(const FrameShape&) const = default;
};

template <class T> class FrameView {
 public:
  using Pixel = T;

  FrameView() = default;
  FrameView(const T* pixels, FrameShape shape) : pixels_(pixels), shape_(shape) {}

  const T* data() const { return pixels_; }
  FrameShape shape() const { return shape_; }
  int width() const { return shape_.width; }
  int height() const { return shape_.height; }
  std::size_t pixel_count() const { return shape_.pixel_count(); }
  const T* row(int y) const { return pixels_ + static_cast<std::size_t>(y) * shape_.width; }
  T at(int x, int y) const { return row(y)[x]; }

 private:
  const T* pixels_ = nullptr;
  FrameShape shape_;
};

// A frame view whose pixel type is known only at run time (a TIFF page, a wire frame).
class AnyFrameView {
 public:
  AnyFrameView() = default;
  AnyFrameView(PixelType type, const void* pixels, FrameShape shape) : type_(type), pixels_(pixels), shape_(shape) {}
  template <class T>
  AnyFrameView(FrameView<T> view)  // NOLINT(google-explicit-constructor): a typed view is an any-view
      : type_(pixel_type_of<T>), pixels_(view.data()), shape_(view.shape()) {}

  PixelType type() const { return type_; }
  const void* data() const { return pixels_; }
  FrameShape shape() const { return shape_; }
  std::size_t byte_size() const { return shape_.pixel_count() * bytes_per_pixel(type_); }

  // Calls f(FrameView<T>) with T the frame's pixel type.
  template <class F> decltype(auto) visit(F&& f) const {
    return dispatch_pixel_type(type_, [&](auto tag) -> decltype(auto) {
      using T = typename decltype(tag)::type;
      return f(FrameView<T>(static_cast<const T*>(pixels_), shape_));
    });
  }

 private:
  PixelType type_ = PixelType::kU16;
  const void* pixels_ = nullptr;
  FrameShape shape_;
};

}  // namespace calmon
