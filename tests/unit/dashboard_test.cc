// dashboard_test.cc — the dashboard's pure parts: the per-connection send queue, the
// static-file path check, the HTTP address, the JSON the page receives, the cap on
// connections and the count of refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "calmon/wire.pb.h"
#include "core/error.h"
#include "daemon/connection_slots.h"
#include "daemon/dashboard_feed.h"
#include "daemon/dashboard_json.h"
#include "daemon/http_endpoint.h"
#include "daemon/http_refusals.h"
#include "daemon/send_queue.h"
#include "daemon/static_files.h"
#include "net/topics.h"
#include "test_support.h"

namespace calmon::daemon {
namespace {

SendQueue::Payload text(const std::string& s) { return std::make_shared<const std::string>(s); }

TEST(SendQueue, NewerStateReplacesQueuedStateInPlace) {
  SendQueue queue;
  ASSERT_TRUE(queue.push(MessageKind::kImages, text("image1")));
  ASSERT_TRUE(queue.push(MessageKind::kTraces, text("t1")));
  ASSERT_TRUE(queue.push(MessageKind::kImages, text("image2")));
  EXPECT_EQ(queue.queued(), 2u);
  const auto now = SendQueue::Clock::now();
  EXPECT_EQ(*queue.start_next(now), "image2");
  EXPECT_EQ(queue.start_next(now), nullptr) << "one write at a time";
  queue.finish_current();
  EXPECT_EQ(*queue.start_next(now), "t1");
}

TEST(SendQueue, DropsOldestTraceBatchesBeyondTheLimitButNeverReplies) {
  SendQueue queue({.max_trace_batches = 2, .max_bytes = 1000});
  ASSERT_TRUE(queue.push(MessageKind::kReply, text("r")));
  for (const char* batch : {"t1", "t2", "t3"}) ASSERT_TRUE(queue.push(MessageKind::kTraces, text(batch)));
  EXPECT_EQ(queue.dropped_trace_batches(), 1u);
  const auto now = SendQueue::Clock::now();
  for (const char* expected : {"r", "t2", "t3"}) {
    EXPECT_EQ(*queue.start_next(now), expected);
    queue.finish_current();
  }
}

TEST(SendQueue, HopelessWhenStateAloneExceedsTheByteLimit) {
  SendQueue queue({.max_trace_batches = 10, .max_bytes = 8});
  EXPECT_TRUE(queue.push(MessageKind::kTraces, text("12345")));
  EXPECT_TRUE(queue.push(MessageKind::kStatus, text("123456")));  // drops the traces to fit
  EXPECT_EQ(queue.dropped_trace_batches(), 1u);
  EXPECT_FALSE(queue.push(MessageKind::kReply, text("123")));
}

TEST(SendQueue, StalledOnlyWhileAWriteIsInFlightTooLong) {
  SendQueue queue;
  const auto t0 = SendQueue::Clock::now();
  EXPECT_FALSE(queue.stalled(t0 + std::chrono::hours(1), std::chrono::seconds(10)));
  ASSERT_TRUE(queue.push(MessageKind::kTraces, text("t")));
  ASSERT_NE(queue.start_next(t0), nullptr);
  EXPECT_FALSE(queue.stalled(t0 + std::chrono::seconds(5), std::chrono::seconds(10)));
  EXPECT_TRUE(queue.stalled(t0 + std::chrono::seconds(11), std::chrono::seconds(10)));
  queue.finish_current();
  EXPECT_FALSE(queue.stalled(t0 + std::chrono::seconds(11), std::chrono::seconds(10)));
}

class StaticFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    // A folder per test: ctest runs the tests of this fixture in parallel processes.
    root_ = test::temp_dir("static_files") / "root";
    std::filesystem::create_directories(root_ / "sub");
    std::ofstream(root_ / "index.html") << "page";
    std::ofstream(root_ / "sub" / "a.js") << "js";
    std::ofstream(root_.parent_path() / "secret.txt") << "secret";
    std::filesystem::create_symlink(root_.parent_path() / "secret.txt", root_ / "link.txt");
  }
  std::filesystem::path root_;
};

TEST_F(StaticFiles, MapsPlainPathsUnderTheRoot) {
  EXPECT_EQ(resolve_static_file(root_, "/")->filename(), "index.html");
  EXPECT_EQ(resolve_static_file(root_, "/sub/a.js?v=2")->filename(), "a.js");
  EXPECT_EQ(content_type_of("x/a.js"), "text/javascript; charset=utf-8");
}

TEST_F(StaticFiles, RefusesEverythingThatCouldEscapeOrIsNotAFile) {
  for (const char* target :
       {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/..\\secret.txt", "//etc/passwd", "/sub/",
        "/sub", "relative", "", "/link.txt", "/missing.js", "/./index.html"}) {
    EXPECT_FALSE(resolve_static_file(root_, target)) << target;
  }
}

TEST(HttpEndpoint, ParsesHostPortWithOrWithoutTheUrlDecoration) {
  EXPECT_EQ(parse_http_endpoint("127.0.0.1:8080").port, 8080);
  EXPECT_EQ(parse_http_endpoint("http://127.0.0.1:0/").host, "127.0.0.1");
  EXPECT_EQ(parse_http_endpoint("[::1]:9").host, "::1");
  for (const char* bad : {"8080", ":80", "host:", "host:65536", "host:8x", "::1:80", "[::1:80"}) {
    EXPECT_THROW(parse_http_endpoint(bad), Error) << bad;
  }
  EXPECT_EQ(http_url("::1", 80), "http://[::1]:80/");
}

TEST(DashboardJson, TraceBatchUsesTheWireSchemaInJson) {
  pb::TraceUpdate update;
  update.set_frame_index(7);
  update.add_f(1.5);
  update.add_dff(std::nan(""));
  const std::string json = encode_trace_batch({update.SerializeAsString()}, 3);
  EXPECT_NE(json.find("\"type\":\"traces\",\"dropped\":3,\"updates\":[{"), std::string::npos) << json;
  EXPECT_NE(json.find("\"frame_index\":\"7\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"dff\":[\"NaN\"]"), std::string::npos) << json;
}

TEST(DashboardJson, ImagesAreBase64Float32WithTheirFiniteRange) {
  pb::ProjectionSnapshot snapshot;
  pb::Image* image = snapshot.add_images();
  image->set_name("latest");
  image->set_width(2);
  image->set_height(1);
  image->add_pixels(1.0);
  image->add_pixels(-2.0);
  const std::string json = encode_images(snapshot.SerializeAsString());
  EXPECT_NE(json.find("\"min\":-2,\"max\":1,\"data\":\"AACAPwAAAMA=\""), std::string::npos) << json;
}

TEST(DashboardJson, StatusRoisAndRefusalsComeInTheirEnvelopes) {
  pb::Status status;
  status.set_streaming(true);
  const std::string status_json = encode_status(status.SerializeAsString(), 2);
  EXPECT_EQ(status_json.find("{\"type\":\"status\",\"browsers\":2,\"data\":{"), 0u) << status_json;
  EXPECT_NE(status_json.find("\"streaming\":true"), std::string::npos) << status_json;
  pb::RoiSetInfo rois;
  rois.set_version(3);
  rois.add_rois()->set_name("cell \"1\"");
  const std::string rois_json = encode_rois(rois.SerializeAsString());
  EXPECT_EQ(rois_json.find("{\"type\":\"rois\",\"data\":{\"version\":3,"), 0u) << rois_json;
  EXPECT_NE(rois_json.find("\"name\":\"cell \\\"1\\\"\""), std::string::npos) << rois_json;
  // A refusal's text is escaped whatever it holds, a control character too.
  const std::string refusal = encode_error_reply("no \"x\"\tthere");
  EXPECT_EQ(refusal.find("{\"type\":\"reply\",\"data\":{\"ok\":false,\"error\":\"no \\\"x\\\"\\tthere\""), 0u)
      << refusal;
}

TEST(DashboardJson, OnlyJsonObjectsAreForwardedAsRequests) {
  EXPECT_TRUE(looks_like_request("{\"status\": {}}"));
  EXPECT_FALSE(looks_like_request("status"));
  EXPECT_FALSE(looks_like_request(""));
  EXPECT_FALSE(looks_like_request(std::string(kMaxDashboardRequestBytes + 1, '{')));
}

TEST(DashboardFeed, CollectsOnlyWhileWatchedAndKeepsTheLatestState) {
  DashboardFeed feed;
  pb::Status status;
  feed.offer(net::kStatusTopic, status);
  EXPECT_FALSE(feed.take().status) << "nobody watches";
  feed.set_watching(true);
  status.set_frames_received(1);
  feed.offer(net::kStatusTopic, status);
  status.set_frames_received(2);
  feed.offer(net::kStatusTopic, status);
  pb::TraceUpdate update;
  for (std::size_t i = 0; i < DashboardFeed::kMaxPendingTraces + 2; ++i) feed.offer(net::kTracesTopic, update);
  const DashboardFeed::Batch batch = feed.take();
  ASSERT_TRUE(batch.status);
  pb::Status latest;
  ASSERT_TRUE(latest.ParseFromString(*batch.status));
  EXPECT_EQ(latest.frames_received(), 2u);
  EXPECT_EQ(batch.traces.size(), DashboardFeed::kMaxPendingTraces);
  EXPECT_EQ(batch.dropped_traces, 2u);
  EXPECT_TRUE(feed.take().traces.empty());
}

TEST(DashboardFeed, WithAHistoryTracesAndRoiSetsAreCollectedEvenWithoutAPage) {
  DashboardFeed feed;
  feed.set_history(true);
  EXPECT_TRUE(feed.wants(net::kTracesTopic));
  EXPECT_TRUE(feed.wants(net::kRoisTopic));
  EXPECT_FALSE(feed.wants(net::kStatusTopic)) << "state is for pages only";
  EXPECT_FALSE(feed.wants(net::kProjectionsTopic));
  pb::RoiSetInfo rois;
  for (std::uint32_t version = 0; version < DashboardFeed::kMaxPendingRoiSets + 3; ++version) {
    rois.set_version(version);
    feed.offer(net::kRoisTopic, rois);
  }
  feed.offer(net::kStatusTopic, pb::Status());
  feed.offer(net::kTracesTopic, pb::TraceUpdate());
  const DashboardFeed::Batch batch = feed.take();
  EXPECT_FALSE(batch.status);
  EXPECT_EQ(batch.traces.size(), 1u);
  ASSERT_EQ(batch.roi_sets.size(), DashboardFeed::kMaxPendingRoiSets) << "every set, up to the limit";
  ASSERT_TRUE(rois.ParseFromString(batch.roi_sets.front()));
  EXPECT_EQ(rois.version(), 3u);
}

TEST(DashboardJson, HistoryRequestsAreToldApartAndReadWithTheirDefaults) {
  EXPECT_TRUE(is_history_request("{\"history\": {}}"));
  EXPECT_TRUE(is_history_request("{ \n \"history\":{\"id\": 1}}"));
  EXPECT_FALSE(is_history_request("{\"status\": {}, \"history\": {}}"));
  HistoryQuery query;
  double id = 0.0;
  EXPECT_EQ(parse_history_request(R"({"history": {"id": 7, "session": "3", "first_frame": 10, "roi_ids": [4, 2]}})",
                                  query, id),
            "");
  EXPECT_EQ(id, 7.0);
  EXPECT_EQ(query.session, 3u);
  EXPECT_EQ(query.first_frame, 10);
  EXPECT_EQ(query.last_frame, -1) << "absent: up to the newest";
  EXPECT_EQ(query.points, 2000);
  EXPECT_EQ(query.roi_ids, (std::vector<std::uint32_t>{4, 2}));
  EXPECT_EQ(query.traces, (std::vector<HistoryTrace>{HistoryTrace::kDff}));
  EXPECT_EQ(parse_history_request(R"({"history": {"traces": ["f", "neuropil"]}})", query, id),
            "unknown trace 'neuropil' (dff, f, fcorr, f0, fneu, f0_settled)");
  EXPECT_EQ(parse_history_request(R"({"history": {"pointz": 3}})", query, id).rfind("malformed history request: ", 0),
            0u);
}

TEST(DashboardJson, HistoryAnswersCarryTheirPointsAsLittleEndianBase64) {
  HistoryAnswer answer;
  answer.session = 3;
  answer.sessions = {2, 3};
  answer.first_frame = 0;
  answer.last_frame = 1;
  answer.frame_index = {0.0, 1.0};
  answer.time_s = {0.0, std::nan("")};
  answer.gap_before = {0, 1};
  answer.series.push_back(
      {.roi_id = 4, .name = "cell4", .trace = HistoryTrace::kF0Settled, .min = {1.5f, 2.0f}, .max = {1.5f, 2.0f}});
  const std::string json = encode_history(answer, 7.0);
  EXPECT_NE(json.find(R"("type":"history","id":7,"session":3,"sessions":[2,3],"first_frame":0,"last_frame":1,)"
                      R"("bucket_frames":1,)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("gap_before":"AAE=")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("min":"AADAPwAAAEA=")"), std::string::npos) << json;  // 1.5f, 2.0f
  EXPECT_NE(json.find(R"("roi_id":4,"name":"cell4","trace":"f0_settled")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("error":"")"), std::string::npos) << json;
}

TEST(ConnectionSlots, AtMostMaxAreTakenAndADestroyedSlotGivesItsPlaceBack) {
  ConnectionSlots slots(2);
  auto a = slots.take();
  auto b = slots.take();
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(slots.take()) << "all taken";
  EXPECT_EQ(slots.in_use(), 2u);
  ConnectionSlots::Slot moved = std::move(*a);  // a connection passed on (HTTP to WebSocket)
  a.reset();
  EXPECT_EQ(slots.in_use(), 2u) << "moving a slot keeps it taken";
  b.reset();
  EXPECT_EQ(slots.in_use(), 1u);
  EXPECT_TRUE(slots.take()) << "a place is free again (and given back at once: the temporary is gone)";
  EXPECT_EQ(slots.in_use(), 1u);
}

TEST(ConnectionSlots, ASlotMayOutliveItsSlots) {
  std::optional<ConnectionSlots::Slot> slot;
  {
    ConnectionSlots slots(1);
    slot = slots.take();
  }
  slot.reset();  // no access to freed memory (ASan would say)
}

TEST(HttpRefusalCounters, StatusListsEveryReasonCountedAndOnlyThose) {
  HttpRefusalCounters counters;
  pb::Status status;
  counters.fill(status);
  EXPECT_TRUE(status.http_refused().empty());
  counters.count(HttpRefusal::kHost);
  counters.count(HttpRefusal::kHost);
  counters.count(HttpRefusal::kConnections);
  counters.fill(status);
  EXPECT_EQ(status.http_refused().size(), 2u);
  EXPECT_EQ(status.http_refused().at("host"), 2u);
  EXPECT_EQ(status.http_refused().at("connections"), 1u);
  EXPECT_EQ(http_refusal_key(HttpRefusal::kOrigin), "origin");
  EXPECT_EQ(http_refusal_key(HttpRefusal::kToken), "token");
}

TEST(DashboardFeed, PendingTracesAreBoundedInBytes) {
  DashboardFeed feed;
  feed.set_watching(true);
  pb::TraceUpdate update;
  update.mutable_f()->Resize(100'000, 1.0);  // ~0.8 MB serialized
  const std::size_t bytes = update.ByteSizeLong();
  const std::size_t fit = DashboardFeed::kMaxPendingTraceBytes / bytes;
  for (std::size_t i = 0; i < fit + 10; ++i) {
    update.set_sequence(i);
    feed.offer(net::kTracesTopic, update);
  }
  const DashboardFeed::Batch batch = feed.take();
  ASSERT_EQ(batch.traces.size(), fit);
  EXPECT_EQ(batch.dropped_traces, 10u);
  pb::TraceUpdate oldest;
  ASSERT_TRUE(oldest.ParseFromString(batch.traces.front()));
  EXPECT_EQ(oldest.sequence(), 10u);  // the oldest went first

  // One update larger than the bound still gets through, alone.
  update.mutable_f()->Resize(static_cast<int>(DashboardFeed::kMaxPendingTraceBytes / 8) + 1, 1.0);
  feed.offer(net::kTracesTopic, update);
  EXPECT_EQ(feed.take().traces.size(), 1u);
}

}  // namespace
}  // namespace calmon::daemon
