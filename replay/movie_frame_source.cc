// movie_frame_source.cc — reading a frame into a message that owns it; see the header.
#include "replay/movie_frame_source.h"

#include <bit>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include "core/error.h"

namespace calmon::replay {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the wire carries little-endian pixels; this copy would need a byte swap");

// Runs on ZeroMQ's I/O thread once the message has been written to the socket.
void free_pixel_buffer(void* data, void* /*hint*/) { std::free(data); }

void check_index(const std::string& path, const char* flag, int index, int available, const char* noun) {
  if (index >= available) {
    throw Error(path + ": " + flag + " " + std::to_string(index) + " requested, the movie has " +
                std::to_string(available) + " " + noun + (available == 1 ? "" : "s"));
  }
}

}  // namespace

MovieFrameSource::MovieFrameSource(const std::string& path, int channel, int slice, std::int64_t first,
                                   std::int64_t last, std::size_t max_frame_bytes)
    : reader_(path, max_frame_bytes), channel_(channel), slice_(slice) {
  check_index(path, "--channel", channel, info().channels, "channel");
  check_index(path, "--slice", slice, info().slices, "slice");
  selection_ = select_frames(first, last, info().frames, path);
  time_base_ = io::read_movie_time_base(reader_, channel, slice);
}

std::size_t MovieFrameSource::frame_bytes() const {
  return info().shape.pixel_count() * bytes_per_pixel(info().pixel_type);
}

zmq::message_t MovieFrameSource::read_message(std::int64_t t) {
  const AnyFrameView frame = reader_.read(t, channel_, slice_);
  const std::size_t size = frame.byte_size();
  std::unique_ptr<void, decltype(&std::free)> buffer(std::malloc(size), &std::free);
  if (!buffer) throw std::bad_alloc();
  std::memcpy(buffer.get(), frame.data(), size);
  zmq::message_t message(buffer.get(), size, &free_pixel_buffer, nullptr);
  buffer.release();  // the message frees it now
  return message;
}

}  // namespace calmon::replay
