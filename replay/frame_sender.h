// frame_sender.h — the replay's PUSH socket to calmond, with a deadline on every send.
//
// The socket connects (calmond binds its ingest socket) with ZMQ_IMMEDIATE, so frames
// are queued only to a daemon that is actually connected: with no daemon, a send waits
// instead of filling a queue nobody reads. Waiting for the socket to take a message for
// the whole timeout is kTimedOut — no daemon, or one that stopped taking frames. The
// wait is a poll for ZMQ_POLLOUT in 100 ms slices that looks at a stop predicate between
// slices, so a Ctrl-C is noticed within 100 ms even if it lands just before the wait
// begins; the send itself then never blocks (ZMQ_SNDTIMEO bounds it all the same). The
// queue is bounded in bytes (queue_limit_frames), not only in frames, so a movie of
// 4 MiB frames does not pile up gigabytes in --fast mode.
//
// flush_and_close() waits — up to the same timeout — for everything queued, the end of
// stream included, to be written to the daemon's connection before the process exits.
// ZeroMQ's linger does not quite promise that: over ipc:// the last messages are now and
// then lost at close, so calmon-replay and calmon-follow close only once calmond has
// acknowledged the end of stream (with --no-ack, the risk stays).
// A sender destroyed without it (an error path) discards its queue at once. With CURVE
// keys the socket is a CURVE client (net/curve_client.h); a daemon that refuses the key
// looks like no daemon: nothing takes the frames.
#pragma once

#include <zmq.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "calmon/wire.pb.h"
#include "net/curve_client.h"

namespace calmon::replay {

// ZMQ_SNDHWM for frames of `frame_bytes`: about 64 MiB of frames, at least 2 and at most
// 1000 frames.
int queue_limit_frames(std::size_t frame_bytes);

enum class SendOutcome {
  kSent,
  kTimedOut,  // nothing accepted the message for the whole timeout
  kStopped,   // the stop predicate said so before the message was taken; nothing was queued
};

// Asked while a send waits; true to give up. nullptr: never give up before the timeout.
using StopRequested = bool (*)();

class FrameSender {
 public:
  // Throws calmon::Error when the endpoint is not one ZeroMQ can connect to.
  FrameSender(const std::string& endpoint, std::size_t frame_bytes, std::chrono::milliseconds timeout,
              const std::optional<net::CurveClientKeys>& curve = std::nullopt);
  ~FrameSender();
  FrameSender(const FrameSender&) = delete;
  FrameSender& operator=(const FrameSender&) = delete;

  // A frame [header][pixels], or with an empty `pixels` and end_of_stream set, the end
  // of stream alone.
  SendOutcome send(const pb::FrameHeader& header, zmq::message_t pixels, StopRequested stop = nullptr);

  // Closes the socket and waits up to the timeout for queued messages to be written;
  // false if some were not.
  bool flush_and_close();

  const std::string& endpoint() const { return endpoint_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  bool uses_curve() const { return uses_curve_; }

 private:
  // Polls for room in 100 ms slices until the timeout; false if none or if stopped.
  bool wait_until_writable(StopRequested stop);

  std::string endpoint_;
  std::chrono::milliseconds timeout_;
  bool uses_curve_;
  zmq::context_t context_;
  zmq::socket_t socket_;
};

}  // namespace calmon::replay
