// movie_frame_source.h — the frames of a TIFF movie as ready-to-send ZeroMQ messages.
//
// Opens the movie with TiffMovieReader (frames up to --max-frame-mib), checks --channel,
// --slice, --first and --last against it, and turns time point t into a message that owns its pixels: the reader's
// view (valid only until its next read) is copied once into a freshly allocated buffer,
// and ZeroMQ takes that buffer over with a free function, so sending copies nothing
// more. The pixels go out in host byte order, which the wire defines as little-endian.
// What the movie says about time (io/movie_time_base.h: each frame's acquisition time
// and the declared frame rate of the chosen channel and plane) is read once at opening.
#pragma once

#include <zmq.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "io/movie_time_base.h"
#include "io/tiff_movie_reader.h"
#include "replay/frame_selection.h"

namespace calmon::replay {

class MovieFrameSource {
 public:
  // Throws calmon::Error (one line naming the movie) for an unreadable movie, frames
  // larger than `max_frame_bytes`, or a channel, slice or frame range it does not have.
  MovieFrameSource(const std::string& path, int channel, int slice, std::int64_t first, std::int64_t last,
                   std::size_t max_frame_bytes);

  const io::TiffMovieInfo& info() const { return reader_.info(); }
  const FrameSelection& selection() const { return selection_; }
  int channel() const { return channel_; }
  int slice() const { return slice_; }
  std::size_t frame_bytes() const;
  const io::MovieTimeBase& time_base() const { return time_base_; }

  // Movie frame `t`'s pixels in a message of their own.
  zmq::message_t read_message(std::int64_t t);

  // libtiff's warnings about the movie not yet taken (io::TiffMovieReader::take_warnings).
  std::vector<std::string> take_warnings() { return reader_.take_warnings(); }

 private:
  io::TiffMovieReader reader_;
  int channel_;
  int slice_;
  FrameSelection selection_;
  io::MovieTimeBase time_base_;
};

}  // namespace calmon::replay
