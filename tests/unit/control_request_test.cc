// control_request_test.cc — every control request gets a reply in its own encoding:
// binary or JSON, ok with the command's payload, or ok=false with a one-line error —
// "malformed control request: ..." for what does not parse.
#include "daemon/control_request.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace calmon::daemon {
namespace {

// Records the commands it receives and answers with recognizable payloads.
class FakeTarget final : public ControlTarget {
 public:
  std::vector<std::string> calls;
  bool reject_rois = false;

  void fill_status(pb::Status& status) override {
    calls.push_back("status");
    status.set_frames_processed(42);
  }
  void fill_projections(pb::ProjectionSnapshot& snapshot) override {
    calls.push_back("projections");
    snapshot.add_images()->set_name("all_mean");
  }
  void fill_rois(pb::RoiSetInfo& rois) override {
    calls.push_back("rois");
    rois.set_version(3);
  }
  void set_rois(const pb::RoiSet& rois) override {
    calls.push_back("set_rois " + std::to_string(rois.rois_size()));
    if (reject_rois) throw Error("ROI 'far': rectangle x 0:5, y 0:99 is outside the 40x30 frame");
  }
  void install_rois(PreparedRoiSet rois) override {
    calls.push_back("install_rois " + std::to_string(rois.rois.size()));
  }
  void edit_rois(const pb::ControlRequest& request) override {
    calls.push_back("edit_rois " + std::to_string(request.command_case()));
  }
  void fill_roi_file(const pb::RoiExport& request, pb::RoiFile& file, std::vector<std::string>& /*warnings*/) override {
    calls.push_back("export " + request.format());
    if (request.format() != "json") throw Error("export_rois: format '" + request.format() + "' is not json");
    file.set_name("rois.json");
    file.set_data("{}");
  }
  void reset() override { calls.push_back("reset"); }
  void shutdown() override { calls.push_back("shutdown"); }
  void fill_stream_report(std::uint64_t stream_id, pb::StreamReport& report) override {
    calls.push_back("stream " + std::to_string(stream_id));
    report.set_stream_id(stream_id);
    report.set_end_of_stream_received(true);
  }
};

pb::ControlReply binary_reply(const std::string& bytes) {
  pb::ControlReply reply;
  EXPECT_TRUE(reply.ParseFromString(bytes));
  return reply;
}

pb::ControlReply json_reply(const std::string& text) {
  pb::ControlReply reply;
  EXPECT_EQ(text.front(), '{') << text;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text, &reply).ok()) << text;
  return reply;
}

std::string binary(const pb::ControlRequest& request) { return request.SerializeAsString(); }

TEST(ControlRequest, MalformedBinaryGetsAnErrorReply) {
  FakeTarget target;
  const pb::ControlReply reply = binary_reply(answer_control_request("\xff\xff\xff", target));
  EXPECT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().rfind("malformed control request: ", 0), 0u) << reply.error();
  EXPECT_EQ(reply.error().find('\n'), std::string::npos);
  EXPECT_TRUE(target.calls.empty());
}

TEST(ControlRequest, ARequestWithoutACommandIsMalformed) {
  FakeTarget target;
  const pb::ControlReply reply = binary_reply(answer_control_request("", target));
  EXPECT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().rfind("malformed control request: no command", 0), 0u) << reply.error();
  EXPECT_TRUE(target.calls.empty());
}

TEST(ControlRequest, MalformedJsonGetsAnErrorReplyInJson) {
  FakeTarget target;
  for (const char* request : {"{not json", R"({"status": {}, "bogus": 1})", R"({"status": 7})", "{}"}) {
    const std::string text = answer_control_request(request, target);
    EXPECT_NE(text.find("\"ok\":false"), std::string::npos) << text;  // printed although false
    const pb::ControlReply reply = json_reply(text);
    EXPECT_FALSE(reply.ok());
    EXPECT_EQ(reply.error().rfind("malformed control request: ", 0), 0u) << reply.error();
    EXPECT_EQ(reply.error().find('\n'), std::string::npos) << reply.error();
  }
  EXPECT_TRUE(target.calls.empty());
}

TEST(ControlRequest, EachCommandReachesTheTargetAndRepliesWithItsPayload) {
  FakeTarget target;
  pb::ControlRequest request;

  request.mutable_status();
  pb::ControlReply reply = binary_reply(answer_control_request(binary(request), target));
  EXPECT_TRUE(reply.ok());
  EXPECT_EQ(reply.status().frames_processed(), 42u);

  request.mutable_projections();
  reply = binary_reply(answer_control_request(binary(request), target));
  ASSERT_TRUE(reply.has_projections());
  EXPECT_EQ(reply.projections().images(0).name(), "all_mean");

  request.mutable_rois();
  reply = binary_reply(answer_control_request(binary(request), target));
  EXPECT_EQ(reply.rois().version(), 3u);

  request.mutable_set_rois()->add_rois()->set_name("cell");
  reply = binary_reply(answer_control_request(binary(request), target));
  EXPECT_TRUE(reply.ok());
  EXPECT_EQ(reply.rois().version(), 3u);

  request.mutable_reset();
  reply = binary_reply(answer_control_request(binary(request), target));
  EXPECT_TRUE(reply.has_status());

  request.mutable_shutdown();
  reply = binary_reply(answer_control_request(binary(request), target));
  EXPECT_TRUE(reply.ok());
  EXPECT_TRUE(reply.has_status());

  request.mutable_stream()->set_stream_id(77);
  reply = binary_reply(answer_control_request(binary(request), target));
  EXPECT_TRUE(reply.ok());
  EXPECT_EQ(reply.stream().stream_id(), 77u);
  EXPECT_TRUE(reply.stream().end_of_stream_received());

  EXPECT_EQ(target.calls, (std::vector<std::string>{"status", "projections", "rois", "set_rois 1", "rois", "reset",
                                                    "status", "shutdown", "status", "stream 77"}));
}

TEST(ControlRequest, JsonRequestsGetJsonRepliesWithTheSchemasFieldNames) {
  FakeTarget target;
  const std::string text = answer_control_request(R"({"status": {}})", target);
  EXPECT_NE(text.find("\"frames_processed\""), std::string::npos) << text;
  const pb::ControlReply reply = json_reply(text);
  EXPECT_TRUE(reply.ok());
  EXPECT_EQ(reply.status().frames_processed(), 42u);

  const pb::ControlReply rois = json_reply(answer_control_request(
      R"({"set_rois": {"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 2}}}]}})", target));
  EXPECT_TRUE(rois.ok());
  EXPECT_EQ(target.calls.back(), "rois");

  // 64-bit integers are strings in protobuf's JSON, both ways.
  const std::string stream = answer_control_request(R"({"stream": {"stream_id": "18446744073709551615"}})", target);
  EXPECT_NE(stream.find("\"stream_id\":\"18446744073709551615\""), std::string::npos) << stream;
  EXPECT_NE(stream.find("\"end_of_stream_received\":true"), std::string::npos) << stream;
}

TEST(ControlRequest, AFailingCommandRepliesWithItsOneLineError) {
  FakeTarget target;
  target.reject_rois = true;
  pb::ControlRequest request;
  request.mutable_set_rois()->add_rois()->set_name("far");
  const pb::ControlReply reply = binary_reply(answer_control_request(binary(request), target));
  EXPECT_FALSE(reply.ok());
  EXPECT_EQ(reply.error(), "ROI 'far': rectangle x 0:5, y 0:99 is outside the 40x30 frame");
  EXPECT_FALSE(reply.has_rois());
}

TEST(ControlRequest, ASetPreparedAheadIsInstalledOrItsProblemAnswered) {
  FakeTarget target;
  ParsedRequest parsed = parse_control_request(R"({"set_rois": {"rois": [{"name": "a"}, {"name": "b"}]}})");
  ASSERT_EQ(parsed.error, "");
  ASSERT_TRUE(parsed.json);
  parsed.prepared_rois.emplace();
  parsed.prepared_rois->rois.resize(2);
  EXPECT_TRUE(json_reply(answer_control_request(std::move(parsed), target)).ok());
  EXPECT_EQ(target.calls, (std::vector<std::string>{"install_rois 2", "rois"}));

  parsed = parse_control_request(R"({"set_rois": {"rois": [{"name": "a"}]}})");
  parsed.prepare_error = "3 ROIs; the limit is 2 per set (--max-rois)";
  const pb::ControlReply refused = json_reply(answer_control_request(std::move(parsed), target));
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), "3 ROIs; the limit is 2 per set (--max-rois)");
  EXPECT_EQ(target.calls.size(), 2u);  // nothing more was asked of the target

  parsed = parse_control_request("{nonsense");
  EXPECT_NE(parsed.error.find("malformed control request: "), std::string::npos);
  EXPECT_FALSE(json_reply(answer_control_request(std::move(parsed), target)).ok());
}

TEST(ControlRequest, AnErrorReplyIsEncodedAsAsked) {
  EXPECT_FALSE(binary_reply(control_error_reply(false, "malformed control request: 2 parts")).ok());
  const pb::ControlReply reply = json_reply(control_error_reply(true, "malformed control request: 2 parts"));
  EXPECT_EQ(reply.error(), "malformed control request: 2 parts");
}

TEST(ControlRequest, AnImportedFileBecomesTheSetRoisOfItsRois) {
  FakeTarget target;
  // As the dashboard sends an uploaded file: protobuf JSON, the bytes in base64.
  const std::string file = R"({"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 2}}},
                                        {"name": "b", "region": {"pixel": {"x": 3, "y": 4}}}]})";
  pb::ControlRequest request;
  pb::RoiFile* roi_file = request.mutable_import_rois()->add_files();
  roi_file->set_name("yesterday.json");
  roi_file->set_data(file);
  const pb::ControlReply reply = binary_reply(answer_control_request(binary(request), target));
  EXPECT_TRUE(reply.ok()) << reply.error();
  EXPECT_EQ(target.calls, (std::vector<std::string>{"set_rois 2", "rois"}));
}

TEST(ControlRequest, AFileThatHoldsNoRoiSetIsRefusedInOneLine) {
  FakeTarget target;
  pb::ControlRequest request;
  pb::RoiFile* roi_file = request.mutable_import_rois()->add_files();
  roi_file->set_name("notes.txt");
  roi_file->set_data("hello");
  const pb::ControlReply reply = binary_reply(answer_control_request(binary(request), target));
  EXPECT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().rfind("notes.txt: unknown ROI file format", 0), 0u) << reply.error();
  EXPECT_EQ(reply.error().find('\n'), std::string::npos);
  EXPECT_TRUE(target.calls.empty());
}

TEST(ControlRequest, ExportAnswersWithTheFile) {
  FakeTarget target;
  const pb::ControlReply reply = json_reply(answer_control_request(R"({"export_rois": {"format": "json"}})", target));
  EXPECT_TRUE(reply.ok()) << reply.error();
  EXPECT_EQ(reply.roi_file().name(), "rois.json");
  EXPECT_EQ(reply.roi_file().data(), "{}");
  const pb::ControlReply refused = json_reply(answer_control_request(R"({"export_rois": {"format": "tar"}})", target));
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), "export_rois: format 'tar' is not json");
}

}  // namespace
}  // namespace calmon::daemon
