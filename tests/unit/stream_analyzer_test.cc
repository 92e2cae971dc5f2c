// stream_analyzer_test.cc — calmond's session logic without sockets: frame messages in,
// published messages captured. Pins down that the daemon drives the Pipeline exactly as
// calmon-analyze does (settled values bit for bit), how sessions start and end, how the
// end of stream's settled tail is split (only the last update says end_of_stream), how
// rejections, gaps and non-finite frames are counted, and the control commands.
#include "daemon/stream_analyzer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "config/config_file.h"
#include "core/pipeline.h"
#include "core/trace_flags.h"
#include "test_support.h"

namespace calmon::daemon {
namespace {

constexpr int kWidth = 16;
constexpr int kHeight = 12;

// Keeps every published message, parsed by topic.
class CapturingPublisher final : public Publisher {
 public:
  std::vector<pb::TraceUpdate> traces;
  std::vector<pb::ProjectionSnapshot> projections;
  std::vector<pb::Status> statuses;
  std::vector<pb::RoiSetInfo> rois;

  bool publish(std::string_view topic, const google::protobuf::MessageLite& message, Importance) override {
    const std::string bytes = message.SerializeAsString();
    if (topic == "traces") traces.emplace_back().ParseFromString(bytes);
    if (topic == "projections") projections.emplace_back().ParseFromString(bytes);
    if (topic == "status") statuses.emplace_back().ParseFromString(bytes);
    if (topic == "rois") rois.emplace_back().ParseFromString(bytes);
    return true;
  }
  // The updates with live numbers (not settled-only continuations or tails).
  std::vector<pb::TraceUpdate> live_updates() const {
    std::vector<pb::TraceUpdate> live;
    for (const auto& update : traces) {
      if (!update.end_of_stream() && update.f_size() > 0) live.push_back(update);
    }
    return live;
  }
};

std::vector<std::uint16_t> movie_frame(int t, int width = kWidth, int height = kHeight) {
  std::vector<std::uint16_t> pixels(static_cast<std::size_t>(width) * height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      pixels[static_cast<std::size_t>(y) * width + x] =
          static_cast<std::uint16_t>(100 + 3 * x + 2 * y + (t * 37 + x * y) % 61 + (t % 5 == 0 ? 40 : 0));
    }
  }
  return pixels;
}

pb::FrameHeader frame_header(std::uint64_t sequence, int width = kWidth, int height = kHeight,
                             pb::PixelType type = pb::UINT16) {
  pb::FrameHeader header;
  header.set_sequence(sequence);
  header.set_width(static_cast<std::uint32_t>(width));
  header.set_height(static_cast<std::uint32_t>(height));
  header.set_pixel_type(type);
  header.set_acquisition_time_ns(static_cast<std::int64_t>(sequence) * 1000);
  return header;
}

std::vector<zmq::message_t> message(const pb::FrameHeader& header, const void* pixels, std::size_t bytes) {
  std::vector<zmq::message_t> parts;
  const std::string head = header.SerializeAsString();
  parts.emplace_back(head.data(), head.size());
  if (!header.end_of_stream()) parts.emplace_back(pixels, bytes);
  return parts;
}

std::vector<zmq::message_t> frame_message(std::uint64_t sequence, const std::vector<std::uint16_t>& pixels) {
  return message(frame_header(sequence), pixels.data(), pixels.size() * 2);
}

std::vector<zmq::message_t> end_of_stream(std::uint64_t stream_id = 0) {
  pb::FrameHeader header;
  header.set_end_of_stream(true);
  header.set_stream_id(stream_id);
  return message(header, nullptr, 0);
}

// Frame `sequence` of the sender run `stream_id`.
std::vector<zmq::message_t> stream_frame(std::uint64_t stream_id, std::uint64_t sequence,
                                         const std::vector<std::uint16_t>& pixels) {
  pb::FrameHeader header = frame_header(sequence);
  header.set_stream_id(stream_id);
  return message(header, pixels.data(), pixels.size() * 2);
}

pb::Config analysis(const std::string& json) { return config::parse_config(json, "test"); }

const char* const kThreeRois = R"({
  "baseline": {"moving": {"window": 5}},
  "neuropil": {"ring": {"inner_gap": 1, "min_pixels": 20}},
  "rois": [
    {"name": "box", "region": {"rect": {"xmin": 2, "xmax": 6, "ymin": 3, "ymax": 7}}},
    {"name": "px", "region": {"pixel": {"x": 11, "y": 8}}, "baseline": {"moving": {"window": 4, "percentile": 20}}},
    {"name": "mean", "region": {"rect": {"xmin": 8, "xmax": 14, "ymin": 1, "ymax": 4}},
     "baseline": {"maximin": {"window": 6, "sigma": 1.5}}}],
  "keep_frames": [2, -1],
  "correlation_image": true})";

struct Harness {
  explicit Harness(const std::string& json = kThreeRois, DaemonSettings base = {}) : settings(std::move(base)) {
    settings.analysis = analysis(json);
    analyzer =
        std::make_unique<StreamAnalyzer>(settings, publisher, [this](const std::string& line) { log.push_back(line); });
  }
  void send(std::vector<zmq::message_t> parts) { analyzer->on_ingest_message(parts, 1'000'000); }
  pb::Status status() {
    pb::Status s;
    analyzer->fill_status(s);
    return s;
  }

  DaemonSettings settings;
  CapturingPublisher publisher;
  std::vector<std::string> log;
  std::unique_ptr<StreamAnalyzer> analyzer;
};

TEST(StreamAnalyzer, EachFrameGivesATraceUpdateWithItsSequenceFrameIndexAndTimes) {
  Harness h;
  for (int t = 0; t < 10; ++t) h.send(frame_message(500 + t, movie_frame(t)));
  const auto live = h.publisher.live_updates();
  ASSERT_EQ(live.size(), 10u);
  for (int t = 0; t < 10; ++t) {
    EXPECT_EQ(live[t].sequence(), 500u + t);
    EXPECT_EQ(live[t].frame_index(), t);
    EXPECT_EQ(live[t].acquisition_time_ns(), (500 + t) * 1000);
    EXPECT_EQ(live[t].receive_time_ns(), 1'000'000);
    EXPECT_GT(live[t].publish_time_ns(), live[t].receive_time_ns());
    EXPECT_EQ(live[t].f_size(), 3);
    EXPECT_EQ(live[t].flags_size(), 3);
    EXPECT_TRUE(live[t].has_global());
  }
  const std::vector<std::uint16_t> frame = movie_frame(3);
  EXPECT_EQ(live[3].f(1), frame[8 * kWidth + 11]);
  ASSERT_EQ(h.publisher.rois.size(), 1u);  // at the start of the session
  EXPECT_EQ(h.publisher.rois[0].rois_size(), 3);
  EXPECT_GT(h.publisher.rois[0].rois(0).neuropil().mask().x_size(), 0);  // the ring, resolved
  EXPECT_EQ(h.status().sessions(), 1u);
  EXPECT_TRUE(h.status().streaming());
}

// The daemon's numbers are calmon-analyze's: the same Pipeline, driven the same way.
TEST(StreamAnalyzer, LiveAndSettledValuesEqualThePipelineDrivenLikeCalmonAnalyze) {
  Harness h;
  const int frames = 40;
  PipelineSettings settings = config::to_pipeline_settings(analysis(kThreeRois));
  settings.keep_frames = {2};  // calmon-analyze resolves -1 against the movie's length; traces do not care
  Pipeline reference(std::move(settings), FrameShape{kWidth, kHeight}, PixelType::kU16);
  std::vector<SettledRow> expected;
  SettledRow row;
  for (int t = 0; t < frames; ++t) {
    const std::vector<std::uint16_t> pixels = movie_frame(t);
    const FrameResult& result = reference.push(FrameView<std::uint16_t>(pixels.data(), FrameShape{kWidth, kHeight}));
    h.send(frame_message(static_cast<std::uint64_t>(t + 1), pixels));
    const pb::TraceUpdate& update = h.publisher.traces.back();
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(update.f(i), result.f[i]);
      EXPECT_EQ(update.fneu(i), result.fneu[i]);
      EXPECT_EQ(update.fcorr(i), result.fcorr[i]);
      EXPECT_EQ(update.f0(i), result.f0[i]);
      EXPECT_EQ(std::isnan(update.dff(i)) ? 0.0 : update.dff(i), std::isnan(result.dff[i]) ? 0.0 : result.dff[i]);
      EXPECT_EQ(update.flags(i), result.flags[i]);
    }
    while (reference.pop_settled(row)) expected.push_back(row);
  }
  reference.finish();
  while (reference.pop_settled(row)) expected.push_back(row);
  h.send(end_of_stream());

  std::vector<pb::SettledValues> settled;
  for (const auto& update : h.publisher.traces)
    settled.insert(settled.end(), update.settled().begin(), update.settled().end());
  ASSERT_EQ(settled.size(), expected.size());
  ASSERT_EQ(settled.size(), static_cast<std::size_t>(frames));
  for (std::size_t k = 0; k < settled.size(); ++k) {
    EXPECT_EQ(settled[k].frame_index(), expected[k].frame);
    EXPECT_EQ(settled[k].sequence(), static_cast<std::uint64_t>(expected[k].frame + 1));
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(settled[k].f0(i), expected[k].f0[i]) << "frame " << k << " ROI " << i;
      const double dff = expected[k].dff[i];
      if (std::isnan(dff)) {
        EXPECT_TRUE(std::isnan(settled[k].dff(i)));
      } else {
        EXPECT_EQ(settled[k].dff(i), dff);
      }
      EXPECT_EQ(settled[k].flags(i), expected[k].flags[i]);
    }
  }
}

TEST(StreamAnalyzer, TheEndOfStreamPublishesTheTailThenAFinalSnapshot) {
  Harness h;
  for (int t = 0; t < 12; ++t) h.send(frame_message(static_cast<std::uint64_t>(t + 1), movie_frame(t)));
  const std::size_t before = h.publisher.traces.size();
  h.send(end_of_stream());
  ASSERT_EQ(h.publisher.traces.size(), before + 1);
  const pb::TraceUpdate& end = h.publisher.traces.back();
  EXPECT_TRUE(end.end_of_stream());
  EXPECT_EQ(end.f_size(), 0);
  EXPECT_EQ(end.sequence(), 12u);
  EXPECT_EQ(end.frame_index(), 12);
  EXPECT_GT(end.settled_size(), 0);
  ASSERT_FALSE(h.publisher.projections.empty());
  const pb::ProjectionSnapshot& snapshot = h.publisher.projections.back();
  EXPECT_EQ(snapshot.frame_index(), 12);
  std::vector<std::string> names;
  for (const auto& image : snapshot.images()) names.push_back(image.name());
  EXPECT_EQ(names, (std::vector<std::string>{"all_mean", "all_max", "all_min", "all_std", "latest", "correlation",
                                             "frame_2"}));
  EXPECT_FALSE(h.status().streaming());
  EXPECT_EQ(h.status().width(), static_cast<std::uint32_t>(kWidth));  // the ended session's frames
}

TEST(StreamAnalyzer, ALongTailIsSplitAndOnlyItsLastUpdateSaysEndOfStream) {
  // 120 ROIs with a cumulative baseline settle only at the end: 120 x 600 values.
  std::string rois;
  for (int i = 0; i < 120; ++i) {
    rois += std::string(i ? "," : "") + R"({"name": "p)" + std::to_string(i) + R"(", "region": {"pixel": {"x": )" +
            std::to_string(i % kWidth) + R"(, "y": )" + std::to_string(i / kWidth) + "}}}";
  }
  Harness h(R"({"baseline": {"cumulative": {}}, "global_traces": false, "rois": [)" + rois + "]}");
  const int frames = 600;
  for (int t = 0; t < frames; ++t) h.send(frame_message(static_cast<std::uint64_t>(t), movie_frame(t)));
  const std::size_t live = h.publisher.traces.size();
  for (const auto& update : h.publisher.traces) {
    EXPECT_EQ(update.settled_size(), 0);
    EXPECT_FALSE(update.settled_only());
  }
  h.send(end_of_stream());

  const std::vector<pb::TraceUpdate> tail(h.publisher.traces.begin() + static_cast<std::ptrdiff_t>(live),
                                          h.publisher.traces.end());
  ASSERT_EQ(tail.size(), 2u);  // 72,000 values: more than one message holds
  std::int64_t next = 0;
  for (std::size_t k = 0; k < tail.size(); ++k) {
    EXPECT_EQ(tail[k].end_of_stream(), k + 1 == tail.size());
    EXPECT_TRUE(tail[k].settled_only());
    EXPECT_EQ(tail[k].f_size(), 0);
    EXPECT_LE(static_cast<std::size_t>(tail[k].settled_size()) * 120, kSettledValuesPerMessage);
    for (const auto& row : tail[k].settled()) {
      EXPECT_EQ(row.frame_index(), next++);
      EXPECT_EQ(row.f0_size(), 120);
    }
  }
  EXPECT_EQ(next, frames);
}

TEST(StreamAnalyzer, ASessionWithoutRoisStillEndsWithOneEndOfStreamUpdate) {
  Harness h("{}");
  h.send(frame_message(1, movie_frame(0)));
  h.send(end_of_stream());
  ASSERT_FALSE(h.publisher.traces.empty());
  EXPECT_TRUE(h.publisher.traces.back().end_of_stream());
  h.send(end_of_stream());  // nothing to end: ignored, logged
  EXPECT_EQ(std::count_if(h.publisher.traces.begin(), h.publisher.traces.end(),
                          [](const pb::TraceUpdate& u) { return u.end_of_stream(); }),
            1);
}

TEST(StreamAnalyzer, TheNextFrameAfterTheEndStartsANewSessionFromFrameIndexZero) {
  Harness h;
  for (int t = 0; t < 3; ++t) h.send(frame_message(static_cast<std::uint64_t>(100 + t), movie_frame(t)));
  h.send(end_of_stream());
  h.send(frame_message(1, movie_frame(0)));  // a new stream may start its numbers anywhere
  const auto live = h.publisher.live_updates();
  EXPECT_EQ(live.back().frame_index(), 0);
  EXPECT_EQ(live.back().sequence(), 1u);
  EXPECT_EQ(h.status().sessions(), 2u);
  EXPECT_EQ(h.status().frames_processed(), 4u);
}

TEST(StreamAnalyzer, RejectionsAreCountedByReasonAndTheStreamGoesOn) {
  Harness h;
  h.send(frame_message(5, movie_frame(0)));
  h.send(frame_message(5, movie_frame(1)));  // not above 5
  std::vector<zmq::message_t> garbage;
  garbage.emplace_back(std::string("\xff\xfe"));
  h.send(std::move(garbage));
  const std::vector<std::uint16_t> small = movie_frame(0, 8, 8);
  h.send(message(frame_header(6, 8, 8), small.data(), small.size() * 2));
  h.send(frame_message(6, movie_frame(1)));
  const pb::Status status = h.status();
  EXPECT_EQ(status.frames_received(), 5u);
  EXPECT_EQ(status.frames_processed(), 2u);
  EXPECT_EQ(status.rejected().at("sequence_backwards"), 1u);
  EXPECT_EQ(status.rejected().at("bad_header"), 1u);
  EXPECT_EQ(status.rejected().at("geometry_changed"), 1u);
  EXPECT_EQ(status.rejected_size(), 3);
  EXPECT_EQ(h.publisher.live_updates().back().frame_index(), 1);
  EXPECT_NE(h.log[1].find("rejected (sequence_backwards)"), std::string::npos) << h.log[1];
}

TEST(StreamAnalyzer, AGeometryChangeRestartsTheSessionWhenConfigured) {
  DaemonSettings settings;
  settings.reset_on_geometry_change = true;
  Harness h("{}", settings);
  for (int t = 0; t < 3; ++t) h.send(frame_message(static_cast<std::uint64_t>(t), movie_frame(t)));
  const std::vector<std::uint16_t> small = movie_frame(0, 8, 6);
  h.send(message(frame_header(3, 8, 6), small.data(), small.size() * 2));
  const auto& traces = h.publisher.traces;
  ASSERT_GE(traces.size(), 5u);
  EXPECT_TRUE(traces[3].end_of_stream());  // the first session ends before the second starts
  EXPECT_EQ(traces[4].frame_index(), 0);
  const pb::Status status = h.status();
  EXPECT_EQ(status.sessions(), 2u);
  EXPECT_EQ((std::pair{status.width(), status.height()}), (std::pair{8u, 6u}));
  EXPECT_EQ(status.rejected_size(), 0);
}

TEST(StreamAnalyzer, AFrameOfANewStreamEndsTheSessionLikeAnEndOfStreamAndStartsTheNext) {
  Harness h;
  for (int t = 0; t < 4; ++t) h.send(stream_frame(7, static_cast<std::uint64_t>(100 + t), movie_frame(t)));
  const std::size_t before = h.publisher.traces.size();
  // The sender restarted without an end of stream: its numbers start from 0 again.
  for (int t = 0; t < 3; ++t) h.send(stream_frame(8, static_cast<std::uint64_t>(t), movie_frame(t)));
  const auto& traces = h.publisher.traces;
  std::vector<pb::TraceUpdate> ended;
  for (std::size_t i = before; i < traces.size() && ended.empty(); ++i) {
    if (traces[i].end_of_stream()) ended.push_back(traces[i]);
  }
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].stream_id(), 7u);
  EXPECT_EQ(ended[0].frame_index(), 4);
  EXPECT_EQ(ended[0].sequence(), 103u);
  const auto live = h.publisher.live_updates();
  ASSERT_EQ(live.size(), 7u);
  EXPECT_EQ((std::pair{live[4].frame_index(), live[4].stream_id()}), (std::pair{std::int64_t{0}, std::uint64_t{8}}));
  const pb::Status status = h.status();
  EXPECT_EQ(status.sessions(), 2u);
  EXPECT_EQ(status.frames_processed(), 7u);
  EXPECT_EQ(status.rejected_size(), 0);
  EXPECT_EQ((std::pair{status.stream_id(), status.first_sequence()}), (std::pair{8ul, 0ul}));
  EXPECT_NE(h.log.back().find("session 2 started with frame 0 of stream 8"), std::string::npos) << h.log.back();
}

TEST(StreamAnalyzer, AnEndOfStreamOfAnotherStreamEndsNothing) {
  Harness h;
  for (int t = 0; t < 3; ++t) h.send(stream_frame(7, static_cast<std::uint64_t>(t), movie_frame(t)));
  h.send(end_of_stream(6));
  EXPECT_TRUE(h.status().streaming());
  h.send(end_of_stream(7));
  EXPECT_FALSE(h.status().streaming());
  EXPECT_TRUE(h.publisher.traces.back().end_of_stream());
}

TEST(StreamAnalyzer, AFlippedBitInOneSequenceNumberCostsThatFrameAlone) {
  Harness h;  // the default max_sequence_jump
  for (std::uint64_t t = 0; t < 10; ++t) {
    const std::uint64_t sequence = t == 5 ? t | (std::uint64_t{1} << 40) : t;
    h.send(frame_message(sequence, movie_frame(static_cast<int>(t))));
  }
  const pb::Status status = h.status();
  EXPECT_EQ(status.frames_processed(), 9u);
  EXPECT_EQ(status.rejected().at("sequence_jump"), 1u);
  EXPECT_EQ(status.rejected_size(), 1);
  EXPECT_EQ((std::pair{status.gaps(), status.missing_frames()}), (std::pair{1ul, 1ul}));
  EXPECT_EQ(h.publisher.live_updates().back().sequence(), 9u);
}

TEST(StreamAnalyzer, CountersSaturateInsteadOfWrapping) {
  DaemonSettings settings;
  settings.max_sequence_jump = 0;  // every jump is a gap
  Harness h("{}", settings);
  const std::uint64_t top = ~std::uint64_t{0};
  h.send(frame_message(0, movie_frame(0)));
  h.send(frame_message(top, movie_frame(1)));  // top - 1 frames missing
  h.send(end_of_stream());
  h.send(frame_message(0, movie_frame(2)));
  h.send(frame_message(3, movie_frame(3)));  // 2 more: more than a uint64 holds
  const pb::Status status = h.status();
  EXPECT_EQ(status.missing_frames(), top);
  EXPECT_EQ(status.gaps(), 2u);
}

TEST(StreamAnalyzer, ASenderLearnsWhatBecameOfItsStream) {
  Harness h;
  const auto ask = [&](std::uint64_t stream_id) {
    pb::ControlRequest request;
    request.mutable_stream()->set_stream_id(stream_id);
    pb::ControlReply reply;
    EXPECT_TRUE(reply.ParseFromString(answer_control_request(request.SerializeAsString(), *h.analyzer)));
    EXPECT_TRUE(reply.ok());
    return reply.stream();
  };
  EXPECT_FALSE(ask(7).known());
  for (std::uint64_t sequence : {20, 21, 23}) h.send(stream_frame(7, sequence, movie_frame(0)));
  h.send(stream_frame(7, 22, movie_frame(0)));  // backwards: rejected
  const std::vector<std::uint16_t> wrong(5);
  h.send(message(
      [] {
        pb::FrameHeader header = frame_header(24);
        header.set_stream_id(7);
        return header;
      }(),
      wrong.data(), wrong.size() * 2));  // size_mismatch: rejected before the gate
  EXPECT_FALSE(ask(7).end_of_stream_received());
  h.send(end_of_stream(7));
  const pb::StreamReport report = ask(7);
  EXPECT_TRUE(report.known());
  EXPECT_TRUE(report.end_of_stream_received());
  EXPECT_EQ(report.daemon_id(), h.status().daemon_id());
  EXPECT_EQ(report.frames_received(), 5u);
  EXPECT_EQ(report.frames_processed(), 3u);
  EXPECT_EQ(report.frames_rejected(), 2u);
  EXPECT_EQ(report.session(), 1u);
  EXPECT_EQ((std::pair{report.first_sequence(), report.last_sequence()}), (std::pair{20ul, 23ul}));
  EXPECT_EQ(report.missing_frames(), 1u);
}

TEST(StreamAnalyzer, EveryUpdateAndStatusNamesTheDaemonRunAndTheStream) {
  Harness h;
  Harness other;
  EXPECT_NE(h.status().daemon_id(), 0u);
  EXPECT_NE(h.status().daemon_id(), other.status().daemon_id());  // random per run
  for (int t = 0; t < 3; ++t) h.send(stream_frame(42, static_cast<std::uint64_t>(t), movie_frame(t)));
  h.send(end_of_stream());  // a sender that does not say ends any stream
  ASSERT_TRUE(h.publisher.traces.back().end_of_stream());
  for (const pb::TraceUpdate& update : h.publisher.traces) {
    EXPECT_EQ(update.daemon_id(), h.status().daemon_id());
    EXPECT_EQ(update.stream_id(), 42u);
  }
}

// Behind calmon-proxy several calmond publish on one socket: each message says its plane.
TEST(StreamAnalyzer, EveryMessageSaysThePlaneItsDaemonAnalyses) {
  DaemonSettings settings;
  settings.plane = 2;
  Harness h(kThreeRois, settings);
  for (int t = 0; t < 3; ++t) {
    pb::FrameHeader header = frame_header(static_cast<std::uint64_t>(t));
    header.set_plane(2);
    const std::vector<std::uint16_t> pixels = movie_frame(t);
    h.send(message(header, pixels.data(), pixels.size() * 2));
  }
  h.send(frame_message(3, movie_frame(3)));  // plane 0: not this daemon's
  h.analyzer->set_subscribers(1, true);
  h.analyzer->on_status_tick();
  h.analyzer->on_snapshot_tick();
  pb::FrameHeader end = frame_header(3);
  end.set_end_of_stream(true);
  end.set_plane(2);
  h.send(message(end, nullptr, 0));
  ASSERT_TRUE(h.publisher.traces.back().end_of_stream());
  EXPECT_EQ(h.publisher.live_updates().size(), 3u);
  for (const pb::TraceUpdate& update : h.publisher.traces) EXPECT_EQ(update.plane(), 2u);
  ASSERT_FALSE(h.publisher.rois.empty());
  for (const pb::RoiSetInfo& info : h.publisher.rois) EXPECT_EQ(info.plane(), 2u);
  ASSERT_FALSE(h.publisher.projections.empty());
  for (const pb::ProjectionSnapshot& snapshot : h.publisher.projections) EXPECT_EQ(snapshot.plane(), 2u);
  ASSERT_EQ(h.publisher.statuses.size(), 1u);
  EXPECT_EQ(h.publisher.statuses[0].plane(), 2u);
  EXPECT_EQ(h.status().rejected().at("other_channel"), 1u);
  pb::ProjectionSnapshot asked;
  h.analyzer->fill_projections(asked);
  EXPECT_EQ(asked.plane(), 2u);
  pb::RoiSetInfo rois;
  h.analyzer->fill_rois(rois);
  EXPECT_EQ(rois.plane(), 2u);
}

TEST(StreamAnalyzer, GapsAreCountedAndFlaggedAndSettledRowsKeepTheirSequenceNumbers) {
  Harness h(R"({"baseline": {"moving": {"window": 3}}, "rois": [
      {"name": "a", "region": {"pixel": {"x": 1, "y": 1}}}, {"name": "b", "region": {"pixel": {"x": 2, "y": 1}}}]})");
  const std::uint64_t sequences[] = {10, 11, 15, 16, 17};
  for (int t = 0; t < 5; ++t) h.send(frame_message(sequences[t], movie_frame(t)));
  h.send(end_of_stream());
  const auto live = h.publisher.live_updates();
  ASSERT_EQ(live.size(), 5u);
  EXPECT_EQ(live[2].missing_before(), 3u);
  for (std::uint32_t flags : live[2].flags()) EXPECT_TRUE(flags & kFlagAfterGap);
  for (std::uint32_t flags : live[3].flags()) EXPECT_FALSE(flags & kFlagAfterGap);
  std::vector<std::uint64_t> settled_sequences;
  for (const auto& update : h.publisher.traces) {
    for (const auto& row : update.settled()) settled_sequences.push_back(row.sequence());
  }
  EXPECT_EQ(settled_sequences, (std::vector<std::uint64_t>{10, 11, 15, 16, 17}));
  const pb::Status status = h.status();
  EXPECT_EQ(status.gaps(), 1u);
  EXPECT_EQ(status.missing_frames(), 3u);
}

TEST(StreamAnalyzer, EachFrameIsTimedBySecondsFromTheSessionsFirstFrameAndGapsKeepTheirTime) {
  // The acquisition's own clock wins over every rate.
  Harness clocked(R"({"frame_rate_hz": 10, "rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 1}}}]})");
  const std::uint64_t sequences[] = {10, 11, 15};
  const double clock_s[] = {100.25, 100.3, 100.5};
  for (int t = 0; t < 3; ++t) {
    pb::FrameHeader header = frame_header(sequences[t]);
    header.set_frame_time_s(clock_s[t]);
    header.set_frame_rate_hz(30.0);
    const std::vector<std::uint16_t> pixels = movie_frame(t);
    clocked.send(message(header, pixels.data(), pixels.size() * 2));
  }
  auto live = clocked.publisher.live_updates();
  ASSERT_EQ(live.size(), 3u);
  for (int t = 0; t < 3; ++t) {
    ASSERT_TRUE(live[t].has_time_s());
    EXPECT_EQ(live[t].time_s(), clock_s[t] - clock_s[0]);
  }
  EXPECT_EQ(clocked.status().time_source(), "acquisition clock");
  EXPECT_EQ(clocked.status().time_base_rate_hz(), 10.0);

  // Without timestamps: the config's rate over the sequence numbers, a gap a jump.
  Harness rated(R"({"frame_rate_hz": 20, "rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 1}}}]})");
  for (int t = 0; t < 3; ++t) rated.send(frame_message(sequences[t], movie_frame(t)));
  live = rated.publisher.live_updates();
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[1].time_s(), 1.0 / 20.0);
  EXPECT_EQ(live[2].time_s(), 5.0 / 20.0);
  EXPECT_EQ(rated.status().time_source(), "config frame rate");

  // Neither: no time, and the status says so.
  Harness untimed(R"({"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 1}}}]})");
  untimed.send(frame_message(0, movie_frame(0)));
  ASSERT_EQ(untimed.publisher.live_updates().size(), 1u);
  EXPECT_FALSE(untimed.publisher.live_updates()[0].has_time_s());
  EXPECT_EQ(untimed.status().time_source(), "");
}

TEST(StreamAnalyzer, FramesWithNonFinitePixelsAreCounted) {
  Harness h(R"({"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 1}}}]})");
  std::vector<float> pixels(kWidth * kHeight, 10.0f);
  h.send(message(frame_header(1, kWidth, kHeight, pb::FLOAT32), pixels.data(), pixels.size() * 4));
  pixels[kWidth + 1] = std::numeric_limits<float>::infinity();
  h.send(message(frame_header(2, kWidth, kHeight, pb::FLOAT32), pixels.data(), pixels.size() * 4));
  EXPECT_EQ(h.status().non_finite_frames(), 1u);
  EXPECT_TRUE(h.publisher.traces.back().flags(0) & kFlagNonFinitePixels);
}

TEST(StreamAnalyzer, RoisThatDoNotFitTheFramesStillLetTheSessionRun) {
  Harness h(R"({"rois": [{"name": "far", "region": {"pixel": {"x": 500, "y": 1}}}]})");
  h.send(frame_message(1, movie_frame(0)));
  EXPECT_EQ(h.status().frames_processed(), 1u);
  EXPECT_EQ(h.publisher.traces.back().f_size(), 0);
  ASSERT_EQ(h.log.size(), 2u);
  EXPECT_NE(h.log[0].find("ROI 'far'"), std::string::npos) << h.log[0];
  EXPECT_NE(h.log[0].find("analysing without ROIs"), std::string::npos) << h.log[0];
  EXPECT_NE(h.log[1].find("session 1 started"), std::string::npos) << h.log[1];
}

TEST(StreamAnalyzer, SnapshotsAreSkippedWhenNoFrameArrivedSinceTheLast) {
  Harness h;
  h.analyzer->on_snapshot_tick();
  EXPECT_TRUE(h.publisher.projections.empty());
  h.send(frame_message(1, movie_frame(0)));
  h.analyzer->on_snapshot_tick();
  h.analyzer->on_snapshot_tick();
  ASSERT_EQ(h.publisher.projections.size(), 1u);
  EXPECT_EQ(h.publisher.projections[0].images_size(), 6);  // four stats, the latest frame, the correlation image
  h.send(frame_message(2, movie_frame(1)));
  h.analyzer->on_snapshot_tick();
  EXPECT_EQ(h.publisher.projections.size(), 2u);
}

TEST(StreamAnalyzer, NoSnapshotIsComputedWhenNobodySubscribesToProjections) {
  Harness h;
  h.analyzer->set_subscribers(2, false);
  h.send(frame_message(1, movie_frame(0)));
  h.analyzer->on_snapshot_tick();
  h.send(end_of_stream());
  EXPECT_TRUE(h.publisher.projections.empty());
  pb::ProjectionSnapshot snapshot;  // on request there is one all the same
  h.analyzer->fill_projections(snapshot);
  EXPECT_EQ(snapshot.images_size(), 6);  // four stats, the latest frame, the correlation image
}

TEST(StreamAnalyzer, TheStatusTickPublishesStatusAndTheRoiSet) {
  Harness h;
  h.send(frame_message(1, movie_frame(0)));
  h.analyzer->set_subscribers(3, true);
  h.analyzer->on_status_tick();
  ASSERT_EQ(h.publisher.statuses.size(), 1u);
  const pb::Status& status = h.publisher.statuses[0];
  EXPECT_EQ(status.frames_processed(), 1u);
  EXPECT_GT(status.frame_rate_hz(), 0.0);
  EXPECT_GT(status.latency_max_us(), 0.0);
  EXPECT_EQ(status.subscribers(), 3u);
  EXPECT_EQ(status.pixel_type(), pb::UINT16);
  EXPECT_EQ(h.publisher.rois.size(), 2u);  // session start, status tick
}

TEST(StreamAnalyzer, SetRoisReplacesTheSetLiveAndKeepsItForTheNextSession) {
  Harness h;
  for (int t = 0; t < 4; ++t) h.send(frame_message(static_cast<std::uint64_t>(t), movie_frame(t)));
  pb::RoiSet one;
  pb::Roi* roi = one.add_rois();
  roi->set_name("cell");
  roi->mutable_region()->mutable_pixel()->set_x(3);
  h.analyzer->set_rois(one);
  pb::RoiSetInfo info;
  h.analyzer->fill_rois(info);
  EXPECT_EQ(info.version(), 1u);
  ASSERT_EQ(info.rois_size(), 1);
  EXPECT_EQ(info.rois(0).baseline(), "moving median, window 5");  // the analysis config's default
  EXPECT_EQ(info.rois(0).neuropil_source(), "ring, r = 0.7");     // the config default
  EXPECT_EQ(h.publisher.rois.back().version(), 1u);

  h.send(frame_message(4, movie_frame(4)));
  const pb::TraceUpdate& update = h.publisher.traces.back();
  EXPECT_EQ(update.roi_set_version(), 1u);
  EXPECT_EQ(update.f_size(), 1);
  for (const auto& row : update.settled()) {
    EXPECT_EQ(row.roi_set_version(), 0u);  // the old set's tail
    EXPECT_EQ(row.f0_size(), 3);
  }
  h.send(end_of_stream());
  h.send(frame_message(1, movie_frame(0)));
  EXPECT_EQ(h.publisher.traces.back().f_size(), 1);
  // A version names one set for the daemon's life: the next session keeps it, and a
  // change between sessions counts on.
  EXPECT_EQ(h.publisher.traces.back().roi_set_version(), 1u);
  h.send(end_of_stream());
  h.analyzer->set_rois(one);
  h.send(frame_message(1, movie_frame(0)));
  EXPECT_EQ(h.publisher.traces.back().roi_set_version(), 2u);
  EXPECT_EQ(h.publisher.rois.back().version(), 2u);
}

TEST(StreamAnalyzer, AnInvalidRoiSetIsRefusedAndTheCurrentSetStays) {
  Harness h;
  h.send(frame_message(1, movie_frame(0)));
  pb::RoiSet outside;
  pb::Roi* roi = outside.add_rois();
  roi->set_name("far");
  roi->mutable_region()->mutable_pixel()->set_x(kWidth);
  EXPECT_THROW(h.analyzer->set_rois(outside), Error);
  pb::RoiSet twice;
  for (int i = 0; i < 2; ++i) {
    pb::Roi* same = twice.add_rois();
    same->set_name("same");
    same->mutable_region()->mutable_pixel()->set_x(i);
  }
  EXPECT_THROW(h.analyzer->set_rois(twice), Error);
  pb::RoiSet unsmoothable;  // a sigma whose gaussian radius overflowed: no smoothing, silently
  pb::Roi* smooth = unsmoothable.add_rois();
  smooth->set_name("smooth");
  smooth->mutable_region()->mutable_pixel()->set_x(1);
  smooth->mutable_baseline()->mutable_maximin()->set_window(5);
  smooth->mutable_baseline()->mutable_maximin()->set_sigma(1e19);
  EXPECT_THROW(h.analyzer->set_rois(unsmoothable), Error);
  pb::RoiSetInfo info;
  h.analyzer->fill_rois(info);
  EXPECT_EQ(info.version(), 0u);
  EXPECT_EQ(info.rois_size(), 3);
  h.send(frame_message(2, movie_frame(1)));
  EXPECT_EQ(h.publisher.traces.back().f_size(), 3);
}

TEST(StreamAnalyzer, ResetEndsTheSessionAndForgetsItsProjections) {
  Harness h;
  for (int t = 0; t < 3; ++t) h.send(frame_message(static_cast<std::uint64_t>(t + 50), movie_frame(t)));
  h.analyzer->reset();
  EXPECT_TRUE(h.publisher.traces.back().end_of_stream());
  const pb::Status status = h.status();
  EXPECT_FALSE(status.streaming());
  EXPECT_EQ(status.width(), 0u);
  pb::ProjectionSnapshot snapshot;
  h.analyzer->fill_projections(snapshot);
  EXPECT_EQ(snapshot.images_size(), 0);
  h.send(frame_message(1, movie_frame(0)));  // sequence 1 after 52: a new session
  EXPECT_EQ(h.publisher.traces.back().frame_index(), 0);
  EXPECT_EQ(h.status().sessions(), 2u);
}

TEST(StreamAnalyzer, ShutdownEndsTheSessionOnce) {
  Harness h;
  h.send(frame_message(1, movie_frame(0)));
  EXPECT_FALSE(h.analyzer->shutdown_requested());
  h.analyzer->shutdown();
  h.analyzer->shutdown();
  EXPECT_TRUE(h.analyzer->shutdown_requested());
  EXPECT_EQ(std::count_if(h.publisher.traces.begin(), h.publisher.traces.end(),
                          [](const pb::TraceUpdate& u) { return u.end_of_stream(); }),
            1);
}

TEST(StreamAnalyzer, ControlRequestsAreAnsweredByTheSessionItself) {
  Harness h;
  h.send(frame_message(1, movie_frame(0)));
  pb::ControlRequest request;
  request.mutable_projections();
  pb::ControlReply reply;
  ASSERT_TRUE(reply.ParseFromString(answer_control_request(request.SerializeAsString(), *h.analyzer)));
  EXPECT_TRUE(reply.ok());
  EXPECT_EQ(reply.projections().frame_index(), 1);
  EXPECT_EQ(reply.projections().images(0).pixels_size(), kWidth * kHeight);

  const std::string json = answer_control_request(R"({"set_rois": {"rois": [{"name": "x"}]}})", *h.analyzer);
  EXPECT_NE(json.find("\"ok\":false"), std::string::npos) << json;
  EXPECT_NE(json.find("ROI 'x': no region"), std::string::npos) << json;
}

using test::same_bits;

// A control request in JSON, answered by the session, its reply parsed.
pb::ControlReply answer_json(Harness& h, const std::string& json) {
  const std::string text = answer_control_request(json, *h.analyzer);
  pb::ControlReply reply;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text, &reply).ok()) << text;
  return reply;
}

std::vector<std::uint32_t> ids_of(const pb::RoiSetInfo& info) {
  std::vector<std::uint32_t> ids;
  for (const pb::RoiInfo& roi : info.rois()) ids.push_back(roi.id());
  return ids;
}

// ROI `id`'s column in the set of version `version`, as the published RoiSetInfos say.
int column_of(const CapturingPublisher& publisher, std::uint32_t version, std::uint32_t id) {
  for (const pb::RoiSetInfo& info : publisher.rois) {
    if (info.version() != version) continue;
    for (int i = 0; i < info.rois_size(); ++i) {
      if (info.rois(i).id() == id) return i;
    }
  }
  return -1;
}

TEST(StreamAnalyzer, LiveEditsKeepEveryOtherRoiBitForBitAndFollowItById) {
  Harness edited;
  Harness plain;
  const int frames = 30;
  for (int t = 0; t < frames; ++t) {
    if (t == 10) {
      const pb::ControlReply added =
          answer_json(edited, R"({"add_rois": {"rois": [{"name": "new", "region": {"pixel": {"x": 7, "y": 9}}}]}})");
      ASSERT_TRUE(added.ok()) << added.error();
      EXPECT_EQ(added.rois().version(), 1u);
      EXPECT_EQ(ids_of(added.rois()), (std::vector<std::uint32_t>{1, 2, 3, 4}));
      EXPECT_EQ(added.rois().rois(3).name(), "new");
    }
    if (t == 14) {
      const pb::ControlReply renamed = answer_json(edited, R"({"update_roi": {"id": 2, "new_name": "px2"}})");
      ASSERT_TRUE(renamed.ok()) << renamed.error();
      EXPECT_EQ(renamed.rois().version(), 2u);
      EXPECT_EQ(renamed.rois().rois(1).name(), "px2");
      EXPECT_EQ(renamed.rois().rois(1).id(), 2u);
    }
    if (t == 17) {
      const pb::ControlReply removed = answer_json(edited, R"({"remove_rois": {"names": ["mean"]}})");
      ASSERT_TRUE(removed.ok()) << removed.error();
      EXPECT_EQ(ids_of(removed.rois()), (std::vector<std::uint32_t>{1, 2, 4}));
      EXPECT_EQ(edited.publisher.rois.back().version(), 3u);  // published as it was installed
    }
    edited.send(frame_message(static_cast<std::uint64_t>(t), movie_frame(t)));
    plain.send(frame_message(static_cast<std::uint64_t>(t), movie_frame(t)));
  }
  edited.send(end_of_stream());
  plain.send(end_of_stream());

  const auto live_edited = edited.publisher.live_updates();
  const auto live_plain = plain.publisher.live_updates();
  ASSERT_EQ(live_edited.size(), static_cast<std::size_t>(frames));
  // Untouched (box, id 1) and renamed (px, id 2) ROIs: every live value as without edits;
  // the removed one (mean, id 3) up to its last frame.
  for (int t = 0; t < frames; ++t) {
    const pb::TraceUpdate& a = live_edited[static_cast<std::size_t>(t)];
    const pb::TraceUpdate& b = live_plain[static_cast<std::size_t>(t)];
    for (std::uint32_t id : {1u, 2u, 3u}) {
      const int i = column_of(edited.publisher, a.roi_set_version(), id);
      if (id == 3 && t >= 17) {
        EXPECT_EQ(i, -1);
        continue;
      }
      ASSERT_GE(i, 0) << "frame " << t << " id " << id;
      const int j = static_cast<int>(id - 1);
      EXPECT_EQ(a.f(i), b.f(j)) << "frame " << t << " id " << id;
      EXPECT_EQ(a.fneu(i), b.fneu(j)) << "frame " << t << " id " << id;
      EXPECT_EQ(a.f0(i), b.f0(j)) << "frame " << t << " id " << id;
      EXPECT_TRUE(same_bits(a.dff(i), b.dff(j))) << "frame " << t << " id " << id;
    }
  }
  // Settled: one row per frame, in order, of the frame's version; ids 1 and 2 as
  // without edits; the new ROI from frame 10, the removed one up to frame 16.
  std::vector<pb::SettledValues> rows_edited, rows_plain;
  for (const auto& update : edited.publisher.traces) {
    for (const auto& row : update.settled()) {
      rows_edited.push_back(row);
      EXPECT_EQ(row.roi_set_version(), update.settled(0).roi_set_version()) << "one version per message";
    }
  }
  for (const auto& update : plain.publisher.traces) {
    for (const auto& row : update.settled()) rows_plain.push_back(row);
  }
  ASSERT_EQ(rows_edited.size(), static_cast<std::size_t>(frames));
  for (int t = 0; t < frames; ++t) {
    const pb::SettledValues& a = rows_edited[static_cast<std::size_t>(t)];
    const pb::SettledValues& b = rows_plain[static_cast<std::size_t>(t)];
    EXPECT_EQ(a.frame_index(), t);
    EXPECT_EQ(a.roi_set_version(), live_edited[static_cast<std::size_t>(t)].roi_set_version());
    EXPECT_EQ(column_of(edited.publisher, a.roi_set_version(), 4) >= 0, t >= 10) << t;
    EXPECT_EQ(column_of(edited.publisher, a.roi_set_version(), 3) >= 0, t < 17) << t;
    for (std::uint32_t id : {1u, 2u}) {
      const int i = column_of(edited.publisher, a.roi_set_version(), id);
      EXPECT_TRUE(same_bits(a.f0(i), b.f0(static_cast<int>(id - 1)))) << t << " " << id;
      EXPECT_TRUE(same_bits(a.dff(i), b.dff(static_cast<int>(id - 1)))) << t << " " << id;
    }
  }
}

// A cumulative baseline settles only at the end: the tail then holds rows of every
// version, and each message carries the rows of one.
TEST(StreamAnalyzer, EachMessageCarriesSettledRowsOfOneVersion) {
  Harness h(R"({"baseline": {"cumulative": {"mean": true}},
                "rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 1}}}]})");
  for (int t = 0; t < 10; ++t) {
    if (t == 5) {
      ASSERT_TRUE(answer_json(h, R"({"add_rois": {"rois": [{"name": "b", "region": {"pixel": {"x": 2}}}]}})").ok());
    }
    h.send(frame_message(static_cast<std::uint64_t>(t), movie_frame(t)));
  }
  h.send(end_of_stream());
  std::vector<std::pair<std::int64_t, std::uint32_t>> rows;  // (frame, version)
  for (const auto& update : h.publisher.traces) {
    for (const auto& row : update.settled()) {
      EXPECT_EQ(row.roi_set_version(), update.settled(0).roi_set_version());
      EXPECT_EQ(row.f0_size(), row.roi_set_version() == 0 ? 1 : 2);
      rows.emplace_back(row.frame_index(), row.roi_set_version());
    }
  }
  ASSERT_EQ(rows.size(), 10u);
  for (std::size_t t = 0; t < rows.size(); ++t) {
    EXPECT_EQ(rows[t], std::make_pair(static_cast<std::int64_t>(t), t < 5 ? 0u : 1u));
  }
  EXPECT_TRUE(h.publisher.traces.back().end_of_stream());
}

TEST(StreamAnalyzer, AnUpdateRestartsOneRoiKeepingWhatItDoesNotGive) {
  Harness h;
  for (int t = 0; t < 5; ++t) h.send(frame_message(static_cast<std::uint64_t>(t), movie_frame(t)));
  const pb::ControlReply moved =
      answer_json(h, R"({"update_roi": {"name": "px", "region": {"pixel": {"x": 12, "y": 8}}}})");
  ASSERT_TRUE(moved.ok()) << moved.error();
  const pb::RoiInfo& px = moved.rois().rois(1);
  EXPECT_EQ(px.id(), 2u);
  EXPECT_EQ(px.name(), "px");
  EXPECT_EQ(px.region().pixel().x(), 12);
  // Its own baseline, not the config's default (window 5).
  EXPECT_EQ(px.baseline(), h.publisher.rois.front().rois(1).baseline());
  EXPECT_NE(px.baseline(), "moving median, window 5");
  EXPECT_EQ(px.neuropil_source(), "ring, r = 0.7");
}

// Every refusal: ok=false, one line naming the ROI or the limit; the set stays as it was.
TEST(StreamAnalyzer, ALiveEditThatCannotBeDoneIsRefusedAndTheSetStays) {
  DaemonSettings settings;
  settings.roi_limits.max_rois = 4;
  Harness h(kThreeRois, settings);
  h.send(frame_message(1, movie_frame(0)));
  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"({"remove_rois": {"ids": [9]}})", "no ROI with id 9 in the set"},
      {R"({"remove_rois": {"names": ["nope"]}})", "no ROI named 'nope' in the set"},
      {R"({"remove_rois": {}})", "remove_rois names no ROI (give ids or names)"},
      {R"({"update_roi": {"id": 7, "new_name": "x"}})", "no ROI with id 7 in the set"},
      {R"({"update_roi": {"new_name": "x"}})", "update_roi names no ROI (give its id or name)"},
      {R"({"update_roi": {"id": 1, "new_name": "px"}})", "ROI name 'px' is used already, by ROI 'px' (id 2)"},
      {R"({"update_roi": {"id": 1, "new_name": ""}})", "update_roi: ROI 'box' (id 1): the new name is empty"},
      {R"({"update_roi": {"id": 1, "region": {"pixel": {"x": 16}}}})",
       "ROI 'box': pixel (16, 0) is outside the 16x12 frame"},
      {R"({"add_rois": {"rois": [{"name": "box", "region": {"pixel": {"x": 1}}}]}})",
       "ROI name 'box' is used already, by ROI 'box' (id 1)"},
      {R"({"add_rois": {"rois": [{"name": "a", "id": 3, "region": {"pixel": {"x": 1}}}]}})",
       "ROI id 3 is used already, by ROI 'mean' (id 3)"},
      {R"({"add_rois": {"rois": [{"name": "far", "region": {"pixel": {"x": 16}}}]}})",
       "ROI 'far': pixel (16, 0) is outside the 16x12 frame"},
      {R"({"add_rois": {"rois": [{"name": "a", "region": {"pixel": {"x": 1}}},
                                 {"name": "b", "region": {"pixel": {"x": 2}}}]}})",
       "5 ROIs; the limit is 4 per set (--max-rois)"},
      {R"({"add_rois": {}})", "add_rois has no ROIs"},
  };
  for (const auto& [request, error] : refused) {
    const pb::ControlReply reply = answer_json(h, request);
    EXPECT_FALSE(reply.ok()) << request;
    EXPECT_EQ(reply.error(), error) << request;
  }
  pb::RoiSetInfo info;
  h.analyzer->fill_rois(info);
  EXPECT_EQ(info.version(), 0u);
  EXPECT_EQ(ids_of(info), (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(info.rois(0).name(), "box");
  h.send(frame_message(2, movie_frame(1)));
  EXPECT_EQ(h.publisher.traces.back().roi_set_version(), 0u);
}

TEST(StreamAnalyzer, BetweenSessionsEditsChangeTheSetTheNextSessionStartsWith) {
  Harness h;
  ASSERT_TRUE(answer_json(h, R"({"remove_rois": {"ids": [1]}})").ok());
  const pb::ControlReply added =
      answer_json(h, R"({"add_rois": {"rois": [{"name": "late", "region": {"pixel": {"x": 1, "y": 1}}}]}})");
  ASSERT_TRUE(added.ok()) << added.error();
  EXPECT_EQ(ids_of(added.rois()), (std::vector<std::uint32_t>{2, 3, 4}));
  EXPECT_EQ(added.rois().version(), 2u);
  h.send(frame_message(1, movie_frame(0)));
  EXPECT_EQ(h.publisher.traces.back().f_size(), 3);
  EXPECT_EQ(h.publisher.traces.back().roi_set_version(), 2u);
  EXPECT_EQ(ids_of(h.publisher.rois.back()), (std::vector<std::uint32_t>{2, 3, 4}));
  // A set_rois gives fresh ids, never one given before.
  ASSERT_TRUE(answer_json(h, R"({"set_rois": {"rois": [{"name": "a", "region": {"pixel": {"x": 1}}}]}})").ok());
  EXPECT_EQ(ids_of(h.publisher.rois.back()), (std::vector<std::uint32_t>{5}));
}

}  // namespace
}  // namespace calmon::daemon
