// repair_test.cc — a recording whose recorder died after a flush, with rows written past
// the headers' counts, a half-written row, half a status line and an unfinished
// replacement of metadata.json: repair_recording keeps the rows every file of a group
// holds whole, sets metadata.json's counts and end_reason "crashed", cuts status.jsonl
// after its last whole line and removes the partial files; a second repair changes nothing.
#include "record/repair.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "recording_fixture.h"

namespace calmon::record_tool {
namespace {

namespace fs = std::filesystem;
using test::RecordingTest;

const std::vector<std::string> kLiveFiles = {"F.npy",       "Fneu.npy",     "Fcorr.npy",
                                             "F0_live.npy", "dff_live.npy", "flags_live.npy"};

// Appends `rows` rows of zero bytes to a .npy, past what its header counts.
void append_rows(const std::string& path, double rows) {
  const io::NpyRowCount count = io::count_npy_rows(path);
  std::ofstream(path, std::ios::binary | std::ios::app)
      << std::string(static_cast<std::size_t>(static_cast<double>(count.row_bytes) * rows), '\0');
}

void append_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

class RepairTest : public RecordingTest {
 protected:
  // The recording of frames 0..5 with frame 3 not received, as a recorder killed right
  // after its flush left it (a copy of its folder), then two more rows written to every
  // live file but F.npy, which holds one and a half.
  std::string crashed_recording() {
    Recording& recording = start();
    status(test::status(false));
    frames(0, 3);
    frames(4, 6);
    recording.on_tick(Recording::Clock::now() + std::chrono::hours(1));  // flush
    const std::string copy = options_.out_dir + "_crashed";
    fs::remove_all(copy);
    fs::copy(options_.out_dir, copy, fs::copy_options::recursive);
    for (const std::string& name : kLiveFiles) append_rows(copy + "/" + name, name == "F.npy" ? 1.5 : 2);
    append_text(copy + "/status.jsonl", "{\"time_ns\":");
    append_text(copy + "/metadata.json.partial", "{\"tool\"");
    return copy;
  }
};

TEST_F(RepairTest, KeepsTheWholeRowsAndSetsTheCounts) {
  const std::string recording = crashed_recording();
  const RepairReport report = repair_recording(recording);
  ASSERT_EQ(report.folders.size(), 1u);
  const FolderRepair& folder = report.folders[0];
  EXPECT_EQ(folder.folder, ".");
  EXPECT_EQ((std::vector<std::int64_t>{folder.live_rows, folder.live_recovered}),
            (std::vector<std::int64_t>{7, 1}));  // F.npy holds one whole row more, so all keep one
  EXPECT_EQ(report.end_reason, "crashed");
  EXPECT_EQ(report.frames_recorded, 6);  // 5 received + the recovered row, whose flags say received
  EXPECT_TRUE(report.warnings.empty());
  for (const std::string& name : kLiveFiles) {
    const io::NpyRowCount count = io::count_npy_rows(recording + "/" + name);
    EXPECT_EQ(count.in_header, 7u) << name;
    EXPECT_EQ(count.whole, 7u) << name;
  }
  const std::string metadata_path = recording + "/metadata.json";
  const auto file = config::parse_json_as<pb::RecordingMetadataFile>(config::read_text_file(metadata_path),
                                                                     metadata_path, "metadata.json");
  EXPECT_EQ(file.end_reason(), "crashed");
  EXPECT_EQ(file.frames_recorded(), 6);
  EXPECT_EQ(file.source(), "tcp://127.0.0.1:5571");  // the rest as it was
  EXPECT_EQ(file.segments(0).frames(), 7);
  EXPECT_EQ(file.segments(0).frames_not_received(), 1);  // frame 3, from flags_live
  EXPECT_EQ(file.segments(0).frames_received(), 6);
  const std::string status_lines = calmon::test::read_file(recording + "/status.jsonl");
  EXPECT_TRUE(status_lines.ends_with("}\n")) << status_lines;
  EXPECT_FALSE(fs::exists(recording + "/metadata.json.partial"));
}

TEST_F(RepairTest, RepairingTwiceChangesNothing) {
  const std::string recording = crashed_recording();
  repair_recording(recording);
  const std::string metadata = calmon::test::read_file(recording + "/metadata.json");
  const std::string flags = calmon::test::read_file(recording + "/flags_live.npy");
  const RepairReport again = repair_recording(recording);
  EXPECT_EQ(again.folders.at(0).live_recovered, 0);
  EXPECT_EQ(again.end_reason, "crashed");
  EXPECT_EQ(calmon::test::read_file(recording + "/metadata.json"), metadata);
  EXPECT_EQ(calmon::test::read_file(recording + "/flags_live.npy"), flags);
}

TEST_F(RepairTest, AFinishedRecordingComesOutAsItWas) {
  Recording& recording = start();
  status(test::status(false));
  frames(0, 4);
  recording.finish("signal");
  const std::string before = calmon::test::read_file(path("metadata.json"));
  const RepairReport report = repair_recording(options_.out_dir);
  EXPECT_EQ(report.end_reason, "signal");
  EXPECT_EQ(report.frames_recorded, 4);
  EXPECT_EQ(calmon::test::read_file(path("metadata.json")), before);
}

TEST_F(RepairTest, AnOlderMetadataJsonWithNumbersForTimesComesOutInTodaysLayout) {
  Recording& recording = start();
  status(test::status(false));
  frames(0, 2);
  recording.finish("signal");
  // As calmon-record wrote it before metadata.json was a protobuf message.
  std::string text = calmon::test::read_file(path("metadata.json"));
  const auto unquote = [&text](const std::string& key) {
    const std::size_t value = text.find("\"" + key + "\": \"") + key.size() + 4;
    text.erase(value, 1);
    text.erase(text.find('"', value), 1);
  };
  unquote("start_time_ns");
  unquote("end_time_ns");
  std::ofstream(path("metadata.json"), std::ios::trunc) << text;
  repair_recording(options_.out_dir);
  const pb::RecordingMetadataFile file = metadata_file();
  EXPECT_EQ(file.start_time_ns(), recording.metadata().start_time_ns);
  const std::int64_t end_ns = std::stoll(file.end_time_ns().string_value());
  EXPECT_LE(std::abs(end_ns - *recording.metadata().end_time_ns), 1000);
  EXPECT_EQ(file.frames_recorded(), 2);
}

TEST_F(RepairTest, AFolderThatIsNotARecordingIsRefused) {
  const std::string empty = calmon::test::temp_dir("record_repair").string();
  try {
    repair_recording(empty);
    FAIL() << "repaired an empty folder";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), empty + ": no metadata.json here: not a calmon-record recording");
  }
  std::ofstream(empty + "/metadata.json") << "{\"tool\": \"calmon-analyze\"}";
  EXPECT_THROW(repair_recording(empty), Error);
}

}  // namespace
}  // namespace calmon::record_tool
