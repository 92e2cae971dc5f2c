// replay_cli_test.cc — calmon-replay as calmond meets it. The real program streams a
// movie written here to a PULL socket standing in for the daemon's ingest; every message
// is checked: each frame's header (sequence +1 per frame across loops, geometry, pixel
// type, channel and plane, one stream id per run, the file's frame times and declared
// frame rate), its pixels bit for bit against what
// was written into the movie, and the end of stream last. A REP socket stands in for the
// daemon's control socket where the acknowledgement is under test (elsewhere --no-ack):
// what it answers about the stream becomes the end of the summary line and the exit
// status. Also: no daemon means one line and exit 1 after --timeout; Ctrl-C still ends
// the stream; every kind of bad input is one line, exit 1, and a command-line mistake
// exit 2 with the usage.
//
// Nothing here measures speed (benchmarks do). Every wait is for a condition with a
// generous deadline, and a process that outlives its test is killed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tiffio.h>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "calmon/wire.pb.h"
#include "huge_frame_tiff.h"
#include "io/tiff_movie_reader.h"
#include "io/tiff_writer.h"
#include "net/frame_message.h"
#include "net/wire_pixel_type.h"
#include "rig_sim/scanimage_writer.h"
#include "test_support.h"
#include "tiff_patch.h"

extern char** environ;

namespace calmon {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A guard against hanging, not a measurement: far beyond what any run here needs.
constexpr auto kPatience = std::chrono::seconds(60);

Clock::time_point deadline() { return Clock::now() + kPatience; }

// calmon-replay running with `arguments`; stdout and stderr go to files in `dir`.
class ReplayProcess {
 public:
  ReplayProcess(const std::vector<std::string>& arguments, const fs::path& dir, const std::string& name = "replay")
      : out_path_(dir / (name + ".out")), err_path_(dir / (name + ".err")) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> args = {CALMON_REPLAY};
    args.insert(args.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int error = posix_spawn(&pid_, CALMON_REPLAY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      pid_ = -1;
      ADD_FAILURE() << "cannot start " << CALMON_REPLAY << ": " << std::strerror(error);
    }
  }
  ~ReplayProcess() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  ReplayProcess(const ReplayProcess&) = delete;
  ReplayProcess& operator=(const ReplayProcess&) = delete;

  // The exit code (128 + n if signal n killed it); nullopt if still running at the deadline.
  std::optional<int> wait_for_exit(Clock::time_point until) {
    while (pid_ > 0 && !exit_code_) {
      int status = 0;
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      } else if (Clock::now() >= until) {
        break;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    return exit_code_;
  }
  void send_signal(int signal_number) const { kill(pid_, signal_number); }
  std::string out() const { return test::read_file(out_path_); }
  std::string err() const { return test::read_file(err_path_); }

 private:
  fs::path out_path_;
  fs::path err_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// One message as it arrived, checked by decode_frame as calmond checks it.
struct Received {
  pb::FrameHeader header;
  std::vector<std::byte> pixels;  // empty for the end of stream
  bool accepted = false;          // decode_frame took it
};

// The daemon's ingest socket: PULL, bound to an ephemeral port on the loopback.
class IngestStandIn {
 public:
  IngestStandIn() : socket_(context_, zmq::socket_type::pull) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind("tcp://127.0.0.1:*");
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  }
  const std::string& endpoint() const { return endpoint_; }

  // The next message; nullopt if none arrives by `until`.
  std::optional<Received> receive(Clock::time_point until) {
    while (Clock::now() < until) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, std::chrono::milliseconds(50));
      if ((item.revents & ZMQ_POLLIN) == 0) continue;
      std::vector<zmq::message_t> parts;
      if (!zmq::recv_multipart(socket_, std::back_inserter(parts))) continue;
      Received message;
      const net::DecodedFrame decoded = net::decode_frame(parts, std::size_t{1} << 30);
      message.accepted = std::holds_alternative<net::ReceivedFrame>(decoded);
      message.header.ParseFromArray(parts[0].data(), static_cast<int>(parts[0].size()));
      if (parts.size() > 1) {
        const auto* bytes = static_cast<const std::byte*>(parts[1].data());
        message.pixels.assign(bytes, bytes + parts[1].size());
      }
      return message;
    }
    return std::nullopt;
  }

  // Messages up to and including the end of stream (or whatever came by the deadline).
  std::vector<Received> receive_stream() {
    std::vector<Received> messages;
    const Clock::time_point until = deadline();
    while (messages.empty() || !messages.back().header.end_of_stream()) {
      std::optional<Received> message = receive(until);
      if (!message) break;
      messages.push_back(std::move(*message));
    }
    return messages;
  }

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
  std::string endpoint_;
};

// The daemon's control socket: REP, bound to an ephemeral port on the loopback.
class ControlStandIn {
 public:
  ControlStandIn() : socket_(context_, zmq::socket_type::rep) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind("tcp://127.0.0.1:*");
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  }
  const std::string& endpoint() const { return endpoint_; }

  // Answers the next StreamQuery with `report` (its stream_id set to the one asked
  // about); returns that stream id, or nullopt if no query came by `until`.
  std::optional<std::uint64_t> answer(pb::StreamReport report, Clock::time_point until) {
    while (Clock::now() < until) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, std::chrono::milliseconds(50));
      if ((item.revents & ZMQ_POLLIN) == 0) continue;
      zmq::message_t bytes;
      if (!socket_.recv(bytes, zmq::recv_flags::none)) continue;
      pb::ControlRequest request;
      EXPECT_TRUE(request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
      EXPECT_TRUE(request.has_stream()) << request.ShortDebugString();
      pb::ControlReply reply;
      reply.set_ok(true);
      report.set_stream_id(request.stream().stream_id());
      *reply.mutable_stream() = report;
      socket_.send(zmq::buffer(reply.SerializeAsString()), zmq::send_flags::none);
      return request.stream().stream_id();
    }
    return std::nullopt;
  }

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
  std::string endpoint_;
};

// What calmond reports about a stream of `received` frames, `processed` of them processed.
pb::StreamReport stream_report(std::uint64_t received, std::uint64_t processed, bool end_of_stream) {
  pb::StreamReport report;
  report.set_known(true);
  report.set_frames_received(received);
  report.set_frames_processed(processed);
  report.set_frames_rejected(received - processed);
  report.set_end_of_stream_received(end_of_stream);
  return report;
}

// A loopback endpoint nothing listens on: an ephemeral port, bound and released.
std::string unused_endpoint() {
  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::pull);
  socket.set(zmq::sockopt::linger, 0);
  socket.bind("tcp://127.0.0.1:*");
  return socket.get(zmq::sockopt::last_endpoint);
}

struct TestMovie {
  fs::path path;
  PixelType type = PixelType::kU16;
  FrameShape shape;
  int frames = 0;
};

// A movie of test::pattern_frame()s, which reach every bit of every pixel type.
TestMovie write_movie(const fs::path& dir, PixelType type = PixelType::kU16, int frames = 12) {
  TestMovie movie{dir / "movie.tif", type, FrameShape{24, 10}, frames};
  io::TiffMovieWriter writer(movie.path.string(), movie.shape, type);
  for (int t = 0; t < frames; ++t) {
    const std::vector<std::byte> pixels = test::pattern_frame(type, movie.shape, t);
    writer.append(AnyFrameView(type, pixels.data(), movie.shape));
  }
  writer.close();
  return movie;
}

struct ExpectedStream {
  std::vector<int> movie_frames;  // which movie frame each message carries, in order
  std::uint64_t first_sequence = 0;
  std::uint32_t channel = 0;
  std::uint32_t plane = 0;
  bool end_of_stream = true;
};

// Checks every message of a received stream; `frame_bytes(t)` is movie frame t as written.
template <class FrameBytes>
void expect_stream(const std::vector<Received>& messages, const ExpectedStream& expected, PixelType type,
                   FrameShape shape, FrameBytes frame_bytes) {
  const std::size_t frames = expected.movie_frames.size();
  ASSERT_EQ(messages.size(), frames + (expected.end_of_stream ? 1 : 0));
  std::int64_t previous_time = 0;
  for (std::size_t i = 0; i < frames; ++i) {
    const Received& message = messages[i];
    SCOPED_TRACE("message " + std::to_string(i) + ", movie frame " + std::to_string(expected.movie_frames[i]));
    EXPECT_TRUE(message.accepted);
    EXPECT_FALSE(message.header.end_of_stream());
    EXPECT_EQ(message.header.sequence(), expected.first_sequence + i);
    EXPECT_EQ(message.header.width(), static_cast<std::uint32_t>(shape.width));
    EXPECT_EQ(message.header.height(), static_cast<std::uint32_t>(shape.height));
    EXPECT_EQ(message.header.pixel_type(), net::to_wire(type));
    EXPECT_EQ(message.header.channel(), expected.channel);
    EXPECT_EQ(message.header.plane(), expected.plane);
    EXPECT_GT(message.header.acquisition_time_ns(), 0);
    EXPECT_GE(message.header.acquisition_time_ns(), previous_time);
    previous_time = message.header.acquisition_time_ns();
    EXPECT_TRUE(message.pixels == frame_bytes(expected.movie_frames[i])) << "pixels differ";
  }
  if (expected.end_of_stream) {
    const Received& last = messages.back();
    EXPECT_TRUE(last.accepted);
    EXPECT_TRUE(last.header.end_of_stream());
    EXPECT_TRUE(last.pixels.empty());
    EXPECT_EQ(last.header.sequence(), expected.first_sequence + frames);
    EXPECT_EQ(last.header.channel(), expected.channel);
    EXPECT_EQ(last.header.plane(), expected.plane);
  }
}

void expect_stream(const std::vector<Received>& messages, const ExpectedStream& expected, const TestMovie& movie) {
  expect_stream(messages, expected, movie.type, movie.shape,
                [&](int t) { return test::pattern_frame(movie.type, movie.shape, t); });
}

std::vector<int> frame_range(int first, int last) {
  std::vector<int> frames;
  for (int t = first; t <= last; ++t) frames.push_back(t);
  return frames;
}

// Runs the program against `ingest` (no acknowledgement asked for), collects the
// stream, and expects a clean exit.
std::vector<Received> replay_to(IngestStandIn& ingest, std::vector<std::string> arguments, const fs::path& dir,
                                std::string* out = nullptr, std::string* err = nullptr) {
  arguments.insert(arguments.end(), {"--to", ingest.endpoint(), "--no-ack"});
  ReplayProcess replay(arguments, dir);
  std::vector<Received> messages = ingest.receive_stream();
  EXPECT_EQ(replay.wait_for_exit(deadline()), 0) << replay.err();
  if (out) *out = replay.out();
  if (err) *err = replay.err();
  return messages;
}

// A finished run: its exit code, stdout and stderr.
struct Outcome {
  std::optional<int> exit_code;
  std::string out;
  std::string err;
};

Outcome run(const std::vector<std::string>& arguments, const fs::path& dir) {
  ReplayProcess replay(arguments, dir);
  const std::optional<int> exit_code = replay.wait_for_exit(deadline());
  return {exit_code, replay.out(), replay.err()};
}

// Exit 1 and one line on stderr: "calmon-replay: " and every fragment.
void expect_one_line_error(const Outcome& outcome, const std::vector<std::string>& fragments) {
  EXPECT_EQ(outcome.exit_code, 1) << outcome.err;
  EXPECT_EQ(outcome.err.rfind("calmon-replay: ", 0), 0u) << outcome.err;
  EXPECT_EQ(outcome.err.find('\n'), outcome.err.size() - 1) << "not one line: " << outcome.err;
  for (const std::string& fragment : fragments) {
    EXPECT_NE(outcome.err.find(fragment), std::string::npos) << "'" << fragment << "' not in: " << outcome.err;
  }
}

void expect_usage_error(const Outcome& outcome, const std::string& fragment) {
  EXPECT_EQ(outcome.exit_code, 2) << outcome.err;
  EXPECT_EQ(outcome.err.rfind("calmon-replay: ", 0), 0u) << outcome.err;
  EXPECT_NE(outcome.err.find(fragment), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("usage: calmon-replay MOVIE.tif"), std::string::npos) << outcome.err;
}

fs::path work_dir() { return test::temp_dir("replay_cli_test"); }

// --- streams ---------------------------------------------------------------------------

}  // namespace

// Test names say "uint16", not "1-byte object <01>".
void PrintTo(PixelType type, std::ostream* out) { *out << pixel_type_name(type); }

namespace {

class ReplayCliPixelTypes : public ::testing::TestWithParam<PixelType> {};

TEST_P(ReplayCliPixelTypes, AFastReplaySendsEveryFrameBitForBitThenTheEndOfStream) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir, GetParam());
  IngestStandIn ingest;
  std::string out;
  std::string err;
  const auto messages = replay_to(ingest, {movie.path.string(), "--fast"}, dir, &out, &err);
  expect_stream(messages, {frame_range(0, 11)}, movie);
  for (const Received& message : messages) {  // a plain TIFF says nothing about time
    EXPECT_FALSE(message.header.has_frame_time_s());
    EXPECT_EQ(message.header.frame_rate_hz(), 0.0);
  }
  EXPECT_EQ(out.rfind("calmon-replay: 12 frames + end of stream to " + ingest.endpoint(), 0), 0u) << out;
  EXPECT_NE(out.find("(--fast)"), std::string::npos) << out;
  EXPECT_EQ(err, "") << "no progress line when stderr is not a terminal";
}

INSTANTIATE_TEST_SUITE_P(EveryPixelType, ReplayCliPixelTypes,
                         ::testing::Values(PixelType::kU8, PixelType::kU16, PixelType::kI16, PixelType::kU32,
                                           PixelType::kF32, PixelType::kF64),
                         [](const auto& info) { return std::string(pixel_type_name(info.param)); });

TEST(ReplayCli, APacedReplaySendsTheSameStreamAndReportsItsSendTimeError) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  std::string out;
  const auto messages = replay_to(ingest, {movie.path.string(), "--rate", "200"}, dir, &out);
  expect_stream(messages, {frame_range(0, 11)}, movie);
  EXPECT_NE(out.find("(target 200); send-time error p50 "), std::string::npos) << out;
  EXPECT_NE(out.find(" late"), std::string::npos) << out;
}

TEST(ReplayCli, FirstAndLastSelectAnInclusiveRangeAndLoopsRepeatItWithRisingSequenceNumbers) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  const auto messages = replay_to(
      ingest, {movie.path.string(), "--fast", "--first", "3", "--last", "7", "--loop", "2", "--start-sequence", "100"},
      dir);
  expect_stream(messages, {{3, 4, 5, 6, 7, 3, 4, 5, 6, 7}, 100}, movie);
}

TEST(ReplayCli, APacedLoopOfTheLastFramesCountsFromTheEnd) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  const auto messages = replay_to(ingest, {movie.path.string(), "--rate", "200", "--first", "-3", "--loop", "2"}, dir);
  expect_stream(messages, {{9, 10, 11, 9, 10, 11}}, movie);
}

TEST(ReplayCli, AHyperstacksChannelAndSliceAreSentAsChannelAndPlane) {
  if (!test::python_has("numpy, tifffile")) GTEST_SKIP() << "needs /usr/bin/python3 with numpy and tifffile";
  const fs::path dir = work_dir();
  // 5 time points, 3 slices, 2 channels; data[t, 2, 1] saved raw as the expected frames.
  const std::string script = R"(import sys, numpy as np, tifffile
movie, expected = sys.argv[1], sys.argv[2]
data = (np.arange(5 * 3 * 2 * 6 * 7, dtype=np.uint32) * 2654435761 % 65521).astype(np.uint16).reshape(5, 3, 2, 6, 7)
tifffile.imwrite(movie, data, imagej=True, metadata={'axes': 'TZCYX'})
data[:, 2, 1].tofile(expected)
)";
  ASSERT_EQ(
      test::run_python(dir / "write.py", script, (dir / "stack.tif").string() + " " + (dir / "expected.raw").string()),
      0);
  const std::vector<std::byte> expected = test::read_file_bytes(dir / "expected.raw");
  const FrameShape shape{7, 6};
  const std::size_t frame_bytes = shape.pixel_count() * 2;
  ASSERT_EQ(expected.size(), 5 * frame_bytes);

  IngestStandIn ingest;
  const auto messages =
      replay_to(ingest, {(dir / "stack.tif").string(), "--fast", "--channel", "1", "--slice", "2"}, dir);
  expect_stream(messages, {frame_range(0, 4), 0, 1, 2}, PixelType::kU16, shape, [&](int t) {
    const auto begin = expected.begin() + static_cast<std::ptrdiff_t>(t * frame_bytes);
    return std::vector<std::byte>(begin, begin + static_cast<std::ptrdiff_t>(frame_bytes));
  });
}

TEST(ReplayCli, AnImageJMoviesFrameIntervalIsSentAsItsFrameRate) {
  const fs::path dir = work_dir();
  const FrameShape shape{8, 4};
  {
    io::TiffMovieWriter writer((dir / "imagej.tif").string(), shape, PixelType::kU16, false,
                               "ImageJ=1.11a\nimages=3\nframes=3\nfinterval=0.125\n");
    const std::vector<std::uint16_t> pixels(shape.pixel_count(), 9);
    for (int t = 0; t < 3; ++t) writer.append(FrameView<std::uint16_t>(pixels.data(), shape));
    writer.close();
  }
  IngestStandIn ingest;
  const auto messages = replay_to(ingest, {(dir / "imagej.tif").string(), "--fast"}, dir);
  ASSERT_EQ(messages.size(), 4U);
  for (const Received& message : messages) {
    EXPECT_EQ(message.header.frame_rate_hz(), 8.0);
    EXPECT_FALSE(message.header.has_frame_time_s());
  }
}

// 2 channels x 3 planes with fast z at 30 volumes/s, 4 volumes; page g's frameTimestamps_sec
// is 0.01 g + 3. Channel 1, plane 2 is sent twice over: the first pass carries the file's
// own times, the second the same times one pass later (the span plus one mean interval).
TEST(ReplayCli, AScanImageFilesFrameTimesAndVolumeRateAreSentWithEveryFrame) {
  const fs::path dir = work_dir();
  const std::string path = (dir / "scanimage.tif").string();
  const FrameShape shape{6, 5};
  {
    rig_sim::ScanImageTiffFile file(path, false,
                                    "SI.hChannels.channelSave = [1;2]\nSI.hStackManager.numSlices = 3\n"
                                    "SI.hFastZ.enable = true\nSI.hRoiManager.scanFrameRate = 90\n"
                                    "SI.hRoiManager.scanVolumeRate = 30\n",
                                    "{}");
    std::vector<std::uint16_t> pixels(shape.pixel_count());
    for (int g = 0; g < 24; ++g) {
      pixels.assign(pixels.size(), static_cast<std::uint16_t>(g));
      file.append(FrameView<std::uint16_t>(pixels.data(), shape),
                  "frameNumbers = " + std::to_string(g / 2 + 1) +
                      "\nframeTimestamps_sec = " + std::to_string(0.01 * g + 3) + "\n");
    }
    file.close();
  }
  std::vector<double> stamps;
  {
    io::TiffMovieReader reader(path);
    ASSERT_EQ(reader.info().frames, 4);
    for (int t = 0; t < 4; ++t) stamps.push_back(reader.timestamp_s(t, 1, 2));
  }
  IngestStandIn ingest;
  const auto messages = replay_to(
      ingest, {path, "--fast", "--channel", "1", "--slice", "2", "--loop", "2", "--start-sequence", "5"}, dir);
  ASSERT_EQ(messages.size(), 9U);
  const double pass_s = (stamps[3] - stamps[0]) * 4.0 / 3.0;
  for (int i = 0; i < 8; ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    const pb::FrameHeader& header = messages[static_cast<std::size_t>(i)].header;
    EXPECT_EQ(header.sequence(), 5U + static_cast<std::uint64_t>(i));
    EXPECT_EQ(header.frame_rate_hz(), 30.0);
    ASSERT_TRUE(header.has_frame_time_s());
    EXPECT_EQ(header.frame_time_s(),
              i < 4 ? stamps[static_cast<std::size_t>(i)] : stamps[static_cast<std::size_t>(i - 4)] + 1.0 * pass_s);
    const std::uint16_t page = static_cast<std::uint16_t>(((i % 4) * 3 + 2) * 2 + 1);
    ASSERT_EQ(messages[static_cast<std::size_t>(i)].pixels.size(), shape.pixel_count() * 2);
    std::uint16_t first_pixel = 0;
    std::memcpy(&first_pixel, messages[static_cast<std::size_t>(i)].pixels.data(), 2);
    EXPECT_EQ(first_pixel, page);
  }
  EXPECT_TRUE(messages.back().header.end_of_stream());
  EXPECT_FALSE(messages.back().header.has_frame_time_s());
}

TEST(ReplayCli, NoEosLeavesTheStreamOpen) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  ReplayProcess open_ended({movie.path.string(), "--fast", "--no-eos", "--to", ingest.endpoint()}, dir, "first");
  std::vector<Received> messages;
  for (int i = 0; i < 12; ++i) {
    std::optional<Received> message = ingest.receive(deadline());
    ASSERT_TRUE(message) << "frame " << i << " did not arrive";
    messages.push_back(std::move(*message));
  }
  ASSERT_EQ(open_ended.wait_for_exit(deadline()), 0) << open_ended.err();
  expect_stream(messages, {frame_range(0, 11), 0, 0, 0, false}, movie);
  EXPECT_EQ(open_ended.out().find("end of stream"), std::string::npos) << open_ended.out();
  // Had the first run sent an end of stream, it would arrive before the second run's frame.
  const auto next =
      replay_to(ingest, {movie.path.string(), "--fast", "--first", "5", "--last", "5", "--start-sequence", "12"}, dir);
  expect_stream(next, {{5}, 12}, movie);
}

TEST(ReplayCli, CtrlCStopsTheReplaySendsTheEndOfStreamAndExits130) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  ReplayProcess replay({movie.path.string(), "--rate", "100", "--loop-forever", "--to", ingest.endpoint(), "--no-ack"},
                       dir);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ingest.receive(deadline())) << "frame " << i << " did not arrive";
  replay.send_signal(SIGINT);
  const std::vector<Received> rest = ingest.receive_stream();
  ASSERT_FALSE(rest.empty());
  EXPECT_TRUE(rest.back().header.end_of_stream());
  const std::uint64_t frames_sent = rest.back().header.sequence();
  EXPECT_EQ(frames_sent, 3 + rest.size() - 1) << "no frame is lost or sent after the end of stream";
  EXPECT_EQ(replay.wait_for_exit(deadline()), 130) << replay.err();
  EXPECT_EQ(
      replay.out().rfind("calmon-replay: interrupted, " + std::to_string(frames_sent) + " frames + end of stream", 0),
      0u)
      << replay.out();
}

// --- the acknowledgement ---------------------------------------------------------------

TEST(ReplayCli, EveryFrameAndTheEndOfStreamCarryOneRandomStreamIdPerRun) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  std::vector<std::uint64_t> ids;
  for (int run = 0; run < 2; ++run) {
    const auto messages = replay_to(ingest, {movie.path.string(), "--fast", "--last", "2"}, dir);
    ASSERT_EQ(messages.size(), 4u);
    for (const Received& message : messages) EXPECT_EQ(message.header.stream_id(), messages[0].header.stream_id());
    EXPECT_NE(messages[0].header.stream_id(), 0u);
    ids.push_back(messages[0].header.stream_id());
  }
  EXPECT_NE(ids[0], ids[1]) << "a new run, a new stream";
  // Unless told to continue one.
  const auto continued = replay_to(ingest, {movie.path.string(), "--fast", "--last", "0", "--stream-id", "42"}, dir);
  ASSERT_EQ(continued.size(), 2u);
  EXPECT_EQ(continued[0].header.stream_id(), 42u);
  EXPECT_EQ(continued[1].header.stream_id(), 42u);
}

TEST(ReplayCli, AfterTheEndOfStreamItAsksCalmondUntilItAcknowledges) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  ControlStandIn control;
  ReplayProcess replay({movie.path.string(), "--fast", "--to", ingest.endpoint(), "--control", control.endpoint()},
                       dir);
  const std::vector<Received> messages = ingest.receive_stream();
  ASSERT_EQ(messages.size(), 13u);
  // Not yet: calmond is still working through its queue (the report changes), then it is.
  const std::optional<std::uint64_t> asked = control.answer(stream_report(7, 7, false), deadline());
  ASSERT_TRUE(asked);
  EXPECT_EQ(*asked, messages[0].header.stream_id());
  EXPECT_EQ(control.answer(stream_report(12, 12, true), deadline()), asked);
  EXPECT_EQ(replay.wait_for_exit(deadline()), 0) << replay.err();
  EXPECT_EQ(replay.err(), "");
  const std::string out = replay.out();
  EXPECT_NE(out.find("12 frames + end of stream"), std::string::npos) << out;
  EXPECT_NE(out.find("(--fast); calmond processed all 12\n"), std::string::npos) << out;
}

TEST(ReplayCli, FramesCalmondDidNotGetOrRejectedAreReportedAndExit1) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  ControlStandIn control;
  ReplayProcess replay({movie.path.string(), "--fast", "--to", ingest.endpoint(), "--control", control.endpoint()},
                       dir);
  ASSERT_EQ(ingest.receive_stream().size(), 13u);
  ASSERT_TRUE(control.answer(stream_report(9, 8, true), deadline()));  // 3 lost, 1 rejected
  EXPECT_EQ(replay.wait_for_exit(deadline()), 1);
  EXPECT_NE(replay.out().find("; calmond processed 8 of 12 frames (1 rejected, 3 never arrived)\n"), std::string::npos)
      << replay.out();
  EXPECT_EQ(replay.err(),
            "calmon-replay: calmond processed 8 of the 12 frames sent; it rejected 1 (its log and "
            "Status.rejected say why); 3 never reached it\n");
}

TEST(ReplayCli, AnEndOfStreamNeverAcknowledgedIsOneLineAndExit1) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  const std::string nobody = unused_endpoint();  // calmond died: nothing answers on its control socket
  ReplayProcess replay(
      {movie.path.string(), "--fast", "--to", ingest.endpoint(), "--control", nobody, "--timeout", "1"}, dir);
  ASSERT_EQ(ingest.receive_stream().size(), 13u);
  EXPECT_EQ(replay.wait_for_exit(deadline()), 1);
  EXPECT_NE(replay.out().find("12 frames + end of stream"), std::string::npos) << replay.out();
  EXPECT_NE(replay.out().find("; not acknowledged by calmond\n"), std::string::npos) << replay.out();
  EXPECT_EQ(replay.err(),
            "calmon-replay: calmond never acknowledged the end of stream: no reply from its control "
            "socket " +
                nobody +
                " (it stopped or died mid-stream, or listens elsewhere: --control "
                "names it, --no-ack skips the check)\n");
}

TEST(ReplayCli, AReportThatNeverSaysEndOfStreamIsNoAcknowledgement) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  ControlStandIn control;
  ReplayProcess replay(
      {movie.path.string(), "--fast", "--to", ingest.endpoint(), "--control", control.endpoint(), "--timeout", "1"},
      dir);
  ASSERT_EQ(ingest.receive_stream().size(), 13u);
  // A calmond restarted after the frames reached the old one: it knows nothing of the stream.
  pb::StreamReport unknown;
  while (replay.wait_for_exit(Clock::now()) == std::nullopt) {
    control.answer(unknown, Clock::now() + std::chrono::milliseconds(200));
  }
  EXPECT_EQ(replay.wait_for_exit(deadline()), 1);
  EXPECT_NE(replay.err().find("calmond never acknowledged the end of stream: the calmond at " + control.endpoint() +
                              " received nothing of this stream"),
            std::string::npos)
      << replay.err();
}

TEST(ReplayCli, TheProgressLineCanBeForcedOntoAFile) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  std::string err;
  replay_to(ingest, {movie.path.string(), "--fast", "--progress", "always"}, dir, nullptr, &err);
  EXPECT_EQ(err.rfind("\r[", 0), 0u) << err;
  EXPECT_NE(err.find("12/12 frames"), std::string::npos) << err;
  EXPECT_EQ(err.back(), '\n');
}

// --- failures --------------------------------------------------------------------------

TEST(ReplayCli, WithNoDaemonItGivesUpAfterTheTimeoutWithOneLine) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  const std::string endpoint = unused_endpoint();
  const Outcome outcome = run({movie.path.string(), "--to", endpoint, "--timeout", "1"}, dir);
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.err, "calmon-replay: no daemon is taking frames at " + endpoint +
                             " (waited 1 s); if calmond runs with CURVE, give --server-key and --client-key\n");
  EXPECT_EQ(outcome.out, "");
}

TEST(ReplayCli, AMissingMovieIsNamed) {
  const fs::path dir = work_dir();
  IngestStandIn ingest;
  expect_one_line_error(run({(dir / "nowhere.tif").string(), "--to", ingest.endpoint()}, dir),
                        {(dir / "nowhere.tif").string()});
}

TEST(ReplayCli, AFileThatIsNotATiffIsRejected) {
  const fs::path dir = work_dir();
  std::ofstream(dir / "notes.tif") << "these are my notes, not a movie\n";
  IngestStandIn ingest;
  expect_one_line_error(run({(dir / "notes.tif").string(), "--to", ingest.endpoint()}, dir), {"notes.tif"});
}

TEST(ReplayCli, ATruncatedMovieIsRejectedBeforeAnythingIsSent) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  fs::resize_file(movie.path, fs::file_size(movie.path) / 2);
  IngestStandIn ingest;
  expect_one_line_error(run({movie.path.string(), "--to", ingest.endpoint()}, dir), {"movie.tif"});
}

TEST(ReplayCli, APageWhoseStripsDoNotCoverItIsRejectedNotSentAsPixels) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  std::vector<std::byte> bytes = test::read_file_bytes(movie.path);
  test::TiffPatcher(bytes).set_count(5, TIFFTAG_STRIPOFFSETS, 0);  // libtiff would read offset 0
  test::write_raw(movie.path, bytes);
  IngestStandIn ingest;
  expect_one_line_error(run({movie.path.string(), "--to", ingest.endpoint()}, dir),
                        {movie.path.string() + ": page 5 (the 6th of 12) has 0 entries in StripOffsets"});
}

TEST(ReplayCli, AMovieWhoseTagsClaimAHugeFrameIsRefusedWhenOpened) {
  const fs::path dir = work_dir();
  const fs::path movie = dir / "huge_frame.tif";
  test::write_raw(movie, test::tiff_claiming_a_huge_frame());
  IngestStandIn ingest;
  expect_one_line_error(run({movie.string(), "--to", ingest.endpoint(), "--no-ack"}, dir),
                        {movie.string() + ": page 0 (the 1st of 1) is 50000x50000 uint8, 2385 MiB of pixels; "
                                          "the limit is 64 MiB (--max-frame-mib)"});
  expect_one_line_error(run({movie.string(), "--max-frame-mib", "4096", "--to", ingest.endpoint(), "--no-ack"}, dir),
                        {movie.string() + ": page 0 (the 1st of 1): strip 0 holds 12 bytes, compression 8 "
                                          "(AdobeDeflate), which decode to 12384 bytes at most"});
}

TEST(ReplayCli, MaxFrameMibSetsTheLargestFrameRead) {
  const fs::path dir = work_dir();
  TestMovie movie{dir / "two_mib.tif", PixelType::kU16, FrameShape{1024, 1024}, 2};  // 2 MiB per frame
  {
    io::TiffMovieWriter writer(movie.path.string(), movie.shape, movie.type);
    for (int t = 0; t < movie.frames; ++t) {
      const std::vector<std::byte> pixels = test::pattern_frame(movie.type, movie.shape, t);
      writer.append(AnyFrameView(movie.type, pixels.data(), movie.shape));
    }
  }
  IngestStandIn ingest;
  const std::string path = movie.path.string();
  expect_one_line_error(run({path, "--max-frame-mib", "1", "--to", ingest.endpoint(), "--no-ack"}, dir),
                        {path + ": page 0 (the 1st of 2) is 1024x1024 uint16, 2 MiB of pixels; the limit is 1 MiB "
                                "(--max-frame-mib)"});
  expect_stream(replay_to(ingest, {path, "--max-frame-mib", "2", "--fast", "--progress", "never"}, dir),
                {frame_range(0, 1)}, movie);
  expect_usage_error(run({path, "--max-frame-mib", "0"}, dir), "--max-frame-mib expects a number > 0, got '0'");
}

TEST(ReplayCli, LibtiffsWarningsArePrintedOnceEach) {
  if (!test::python_has("numpy, tifffile")) GTEST_SKIP() << "needs /usr/bin/python3 with numpy and tifffile";
  const fs::path dir = work_dir();
  const fs::path movie = test::write_movie_libtiff_warns_about(dir);
  IngestStandIn ingest;
  std::string err;
  const auto messages = replay_to(ingest, {movie.string(), "--fast", "--progress", "never"}, dir, nullptr, &err);
  EXPECT_EQ(messages.size(), 5u);  // four frames and the end of stream
  EXPECT_EQ(err, "calmon-replay: warning: " + movie.string() +
                     ": libtiff: TIFFReadDirectory: Unknown field with tag 65000 (0xfde8) encountered\n");
}

TEST(ReplayCli, FramesChannelsAndSlicesOutsideTheMovieAreErrors) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  const std::string path = movie.path.string();
  expect_one_line_error(run({path, "--first", "12", "--to", ingest.endpoint()}, dir),
                        {path + ": --first 12 is outside the movie's 12 frames"});
  expect_one_line_error(run({path, "--last", "-13", "--to", ingest.endpoint()}, dir), {"--last -13"});
  expect_one_line_error(run({path, "--first", "5", "--last", "4", "--to", ingest.endpoint()}, dir),
                        {"select no frames"});
  expect_one_line_error(run({path, "--channel", "1", "--to", ingest.endpoint()}, dir),
                        {path + ": --channel 1 requested, the movie has 1 channel"});
  expect_one_line_error(run({path, "--slice", "3", "--to", ingest.endpoint()}, dir), {"--slice 3"});
}

TEST(ReplayCli, ARateThatIsNotPositiveIsAnError) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  IngestStandIn ingest;
  expect_one_line_error(run({movie.path.string(), "--rate", "0", "--to", ingest.endpoint()}, dir), {"--rate"});
  expect_one_line_error(run({movie.path.string(), "--rate", "-5", "--to", ingest.endpoint()}, dir), {"--rate"});
}

TEST(ReplayCli, AMalformedEndpointIsAnError) {
  const fs::path dir = work_dir();
  const TestMovie movie = write_movie(dir);
  expect_one_line_error(run({movie.path.string(), "--to", "127.0.0.1:5570"}, dir),
                        {"cannot connect to '127.0.0.1:5570'"});
}

TEST(ReplayCli, CommandLineMistakesExit2WithTheUsage) {
  const fs::path dir = work_dir();
  expect_usage_error(run({}, dir), "no movie given");
  expect_usage_error(run({"m.tif", "--rate", "30", "--fast"}, dir), "--rate and --fast");
  expect_usage_error(run({"m.tif", "--bogus"}, dir), "--bogus");
  expect_usage_error(run({"m.tif", "--rate", "quick"}, dir), "--rate");
}

TEST(ReplayCli, HelpPrintsTheUsage) {
  const fs::path dir = work_dir();
  const Outcome outcome = run({"--help"}, dir);
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.out.rfind("usage: calmon-replay MOVIE.tif", 0), 0u) << outcome.out;
  EXPECT_EQ(outcome.err, "");
}

}  // namespace
}  // namespace calmon
