// prairieview_xml_test.cc — PrairieView's XML: settings, frames and their files, in the
// layouts of versions 5 (one shard at the top) and 4 (a shard in each frame), multi-plane
// series, a text cut anywhere, and one-line errors for values that do not make sense.
#include "io/prairieview_xml.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace calmon::io {
namespace {

std::string frame_xml(int index, double relative, double absolute, int channels) {
  std::string text = "    <Frame relativeTime=\"" + std::to_string(relative) + "\" absoluteTime=\"" +
                     std::to_string(absolute) + "\" index=\"" + std::to_string(index) +
                     "\" parameterSet=\"CurrentSettings\">\n";
  for (int c = 1; c <= channels; ++c) {
    char name[64];
    std::snprintf(name, sizeof name, "TSeries-001_Cycle00001_Ch%d_%06d.ome.tif", c, index);
    text += "      <File channel=\"" + std::to_string(c) + "\" channelName=\"Ch" + std::to_string(c) +
            "\" page=\"1\" filename=\"" + name + "\" />\n";
  }
  text += "      <ExtraParameters lastGoodFrame=\"0\" />\n";
  text += "      <PVStateShard>\n        <PVStateValue key=\"framePeriod\" value=\"0.049999992\" />\n";
  text += "      </PVStateShard>\n    </Frame>\n";
  return text;
}

// A version-5 T-series: the settings at the top, one Sequence, `frames` frames at 20 Hz.
std::string tseries_xml(int frames, int channels) {
  std::string text =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<PVScan version=\"5.5.64.100\" date=\"9/30/2026 10:00:00 AM\" notes=\"\">\n"
      "  <SystemIDs SystemID=\"1\" />\n"
      "  <PVStateShard>\n"
      "    <PVStateValue key=\"framePeriod\" value=\"0.05\" />\n"
      "    <PVStateValue key=\"linesPerFrame\" value=\"64\" />\n"
      "    <PVStateValue key=\"pixelsPerLine\" value=\"80\" />\n"
      "    <PVStateValue key=\"micronsPerPixel\">\n"
      "      <IndexedValue index=\"XAxis\" value=\"1.2\" />\n"
      "    </PVStateValue>\n"
      "  </PVStateShard>\n"
      "  <Sequence type=\"TSeries Timed Element\" cycle=\"1\" time=\"10:00:00.0000000\">\n";
  for (int i = 1; i <= frames; ++i) text += frame_xml(i, 0.05 * (i - 1), 2.957 + 0.05 * (i - 1), channels);
  text += "  </Sequence>\n</PVScan>\n";
  return text;
}

TEST(PrairieViewXml, ReadsSettingsFramesTimesAndEachChannelsFile) {
  const PrairieViewScan scan = parse_prairieview_xml(tseries_xml(3, 2));
  EXPECT_EQ(scan.version, "5.5.64.100");
  EXPECT_EQ(scan.sequence_type, "TSeries Timed Element");
  EXPECT_DOUBLE_EQ(scan.frame_period_s, 0.05);  // the scan's shard, not the frames' own 0.049999992
  EXPECT_DOUBLE_EQ(scan.frame_rate_hz(), 20.0);
  EXPECT_EQ(scan.pixels_per_line, 80);
  EXPECT_EQ(scan.lines_per_frame, 64);
  EXPECT_EQ(scan.channels, (std::vector<int>{1, 2}));
  EXPECT_TRUE(scan.complete);
  ASSERT_EQ(scan.frames.size(), 3u);
  const PrairieViewFrame& third = scan.frames[2];
  EXPECT_EQ(third.cycle, 1);
  EXPECT_EQ(third.index, 3);
  EXPECT_DOUBLE_EQ(third.relative_time_s, 0.1);
  EXPECT_DOUBLE_EQ(third.absolute_time_s, 3.057);
  EXPECT_NEAR(scan.seconds_from_first(2), 0.1, 1e-12);
  ASSERT_EQ(third.files.size(), 2u);
  EXPECT_EQ(third.files[1].channel, 2);
  EXPECT_EQ(third.files[1].channel_name, "Ch2");
  EXPECT_EQ(third.files[1].filename, "TSeries-001_Cycle00001_Ch2_000003.ome.tif");
}

TEST(PrairieViewXml, ATextCutAnywhereGivesTheFramesCompleteBeforeTheCut) {
  const std::string text = tseries_xml(4, 2);
  std::size_t previous = 0;
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    const std::string_view part = std::string_view(text).substr(0, cut);
    // Before <PVScan> is whole, nothing is written yet: no frames, not complete, never garbage.
    const PrairieViewScan scan = parse_prairieview_xml(part);
    std::size_t closed = 0;
    for (std::size_t at = part.find("</Frame>"); at != std::string_view::npos; at = part.find("</Frame>", at + 1)) {
      ++closed;
    }
    ASSERT_EQ(scan.frames.size(), closed) << "cut at " << cut;
    EXPECT_GE(scan.frames.size(), previous);
    previous = scan.frames.size();
    for (std::size_t i = 0; i < scan.frames.size(); ++i) EXPECT_EQ(scan.frames[i].files.size(), 2u);
    EXPECT_EQ(scan.complete, cut == text.size() || part.find("</PVScan>") != std::string_view::npos);
  }
  EXPECT_EQ(previous, 4u);
}

TEST(PrairieViewXml, ReadsVersionFourShardsAndAMultiPlaneSeriesAsCyclesAndIndices) {
  // Version 4.x: <Key> elements inside each frame's shard. Two volumes of three planes.
  std::string text = "<?xml version=\"1.0\"?>\n<PVScan version=\"4.0.0.43\">\n";
  for (int cycle = 1; cycle <= 2; ++cycle) {
    text += "<Sequence type=\"TSeries ZSeries Element\" cycle=\"" + std::to_string(cycle) + "\">\n";
    for (int plane = 1; plane <= 3; ++plane) {
      const double relative = 0.01 * (plane - 1);
      text += "<Frame relativeTime=\"" + std::to_string(relative) + "\" absoluteTime=\"" +
              std::to_string(0.5 * (cycle - 1) + relative) + "\" index=\"" + std::to_string(plane) + "\">" +
              "<File channel=\"2\" channelName=\"Ch2\" filename=\"z_Cycle0000" + std::to_string(cycle) + "_Ch2_00000" +
              std::to_string(plane) + ".ome.tif\"/>" +
              "<PVStateShard><Key key=\"linesPerFrame\" permissions=\"Read, Write, Save\" value=\"32\" />"
              "<Key key=\"pixelsPerLine\" permissions=\"Read, Write, Save\" value=\"48\" />"
              "<Key key=\"framePeriod\" permissions=\"Read, Write, Save\" value=\"1.0E-02\" /></PVStateShard>"
              "</Frame>\n";
    }
    text += "</Sequence>\n";
  }
  text += "</PVScan>\n";
  const PrairieViewScan scan = parse_prairieview_xml(text);
  EXPECT_EQ(scan.sequence_type, "TSeries ZSeries Element");
  EXPECT_DOUBLE_EQ(scan.frame_period_s, 0.01);
  EXPECT_EQ(scan.pixels_per_line, 48);
  EXPECT_EQ(scan.lines_per_frame, 32);
  EXPECT_EQ(scan.channels, std::vector<int>{2});
  ASSERT_EQ(scan.frames.size(), 6u);
  EXPECT_EQ(scan.frames[4].cycle, 2);
  EXPECT_EQ(scan.frames[4].index, 2);
  EXPECT_EQ(scan.frames[4].files[0].filename, "z_Cycle00002_Ch2_000002.ome.tif");
  EXPECT_DOUBLE_EQ(scan.frames[4].relative_time_s, 0.01);  // relativeTime restarts with each cycle
  EXPECT_NEAR(scan.seconds_from_first(4), 0.51, 1e-12);    // absoluteTime does not
}

TEST(PrairieViewXml, FramesWithoutIndexOrCycleAreCountedAndEntitiesDecoded) {
  const PrairieViewScan scan = parse_prairieview_xml(
      "<PVScan><!-- a comment with <Frame> in it --><Sequence>"
      "<Frame absoluteTime=\"1.5\"><File channel=\"1\" filename=\"a&amp;b_1.tif\"/></Frame>"
      "<Frame absoluteTime='1.5625'><File channel='1' filename='a&amp;b_2.tif'/></Frame>"
      "</Sequence></PVScan>");
  ASSERT_EQ(scan.frames.size(), 2u);
  EXPECT_EQ(scan.frames[1].cycle, 1);
  EXPECT_EQ(scan.frames[1].index, 2);
  EXPECT_DOUBLE_EQ(scan.frames[1].absolute_time_s, 1.5625);
  EXPECT_EQ(scan.frames[1].files[0].filename, "a&b_2.tif");
  EXPECT_EQ(scan.frame_period_s, 0.0);  // not given
}

void expect_error(const std::string& text, const std::string& message) {
  try {
    parse_prairieview_xml(text);
    ADD_FAILURE() << "no error for " << text;
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), message);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

std::string one_frame(const std::string& frame_attributes, const std::string& files) {
  return "<PVScan><Sequence cycle=\"1\"><Frame " + frame_attributes + ">" + files + "</Frame></Sequence></PVScan>";
}

TEST(PrairieViewXml, AMalformedValueIsAOneLineErrorNamingElementAttributeAndValue) {
  const std::string file = "<File channel=\"2\" filename=\"x.tif\"/>";
  expect_error(one_frame("relativeTime=\"0.1s\" index=\"4\"", file),
               "PrairieView XML: <Frame index=\"4\"> relativeTime is \"0.1s\", not a number");
  expect_error(one_frame("absoluteTime=\"-2\" index=\"1\"", file),
               "PrairieView XML: <Frame index=\"1\"> absoluteTime is \"-2\", a negative time");
  expect_error(one_frame("index=\"0\"", file), "PrairieView XML: <Frame> index is \"0\", not a whole number from 1");
  expect_error(one_frame("index=\"1\"", "<File channel=\"two\" filename=\"x.tif\"/>"),
               "PrairieView XML: <File> channel is \"two\", not a whole number from 1");
  expect_error(one_frame("index=\"1\"", "<File channel=\"2\"/>"),
               "PrairieView XML: <File> in frame 1/1 has no filename");
  expect_error(one_frame("index=\"1\"", ""), "PrairieView XML: frame 1/1 has no <File>");
  expect_error("<PVScan><PVStateShard><PVStateValue key=\"framePeriod\" value=\"fast\"/></PVStateShard></PVScan>",
               "PrairieView XML: <PVStateValue key=\"framePeriod\"> value is \"fast\", not a number");
  expect_error("<PVScan><PVStateShard><PVStateValue key=\"framePeriod\" value=\"0\"/></PVStateShard></PVScan>",
               "PrairieView XML: <PVStateValue key=\"framePeriod\"> value is \"0\", not above 0");
  expect_error("<PVScan><Sequence cycle=\"first\">",
               "PrairieView XML: <Sequence> cycle is \"first\", not a whole number from 1");
  expect_error("<PVScan><Frame index=\"1\" relativeTime=0.1>",
               "PrairieView XML: <Frame> attribute \"relativeTime\" has no quoted value");
  expect_error("<?xml version=\"1.0\"?><OME></OME>", "PrairieView XML: the first element is <OME>, not <PVScan>");
  expect_error("<PVScan><Sequence></PVScan>", "PrairieView XML: </PVScan> closes <Sequence>");
  expect_error("<PVScan></>", "PrairieView XML: a malformed tag \"</>\"");
  expect_error("<PVScan></Frame/>", "PrairieView XML: a malformed tag \"</Frame/>\"");
}

TEST(PrairieViewXml, AFileNotWrittenYetHasNoFramesAndIsNotComplete) {
  // The acquisition creates the XML before it writes into it: a follower that reads it
  // then must wait, not fail.
  for (const char* text : {"", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n", "<?xml version=\"1.0\"?>\n<PVSc"}) {
    const PrairieViewScan scan = parse_prairieview_xml(text);
    EXPECT_TRUE(scan.frames.empty()) << text;
    EXPECT_FALSE(scan.complete) << text;
  }
}

TEST(PrairieViewXml, CountsThatContradictEachOtherAreOneLineErrors) {
  const std::string ch1 = "<File channel=\"1\" filename=\"a.tif\"/>";
  const std::string ch2 = "<File channel=\"2\" filename=\"b.tif\"/>";
  expect_error(one_frame("index=\"1\"", ch2 + ch2), "PrairieView XML: frame 1/1 names a channel twice");
  expect_error("<PVScan><Sequence><Frame index=\"1\">" + ch1 + ch2 + "</Frame><Frame index=\"2\">" + ch2 +
                   "</Frame></Sequence></PVScan>",
               "PrairieView XML: frame 1/2 has channels 2, the first frame channels 1 2");
  expect_error("<PVScan><Sequence><Frame index=\"2\">" + ch1 + "</Frame><Frame index=\"2\">" + ch1 +
                   "</Frame></Sequence></PVScan>",
               "PrairieView XML: frame 1/2 (cycle/index) does not come after frame 1/2");
  expect_error("<PVScan><Sequence cycle=\"2\"><Frame index=\"1\">" + ch1 + "</Frame></Sequence><Sequence cycle=\"1\">" +
                   "<Frame index=\"1\">" + ch1 + "</Frame></Sequence></PVScan>",
               "PrairieView XML: frame 1/1 (cycle/index) does not come after frame 2/1");
  expect_error(
      "<PVScan><PVStateShard><PVStateValue key=\"pixelsPerLine\" value=\"512\"/></PVStateShard><Sequence>"
      "<Frame index=\"1\"><PVStateShard><PVStateValue key=\"pixelsPerLine\" value=\"256\"/></PVStateShard>"
      "</Frame></Sequence></PVScan>",
      "PrairieView XML: <PVStateValue key=\"pixelsPerLine\"> value is \"256\", but was 512 before");
}

}  // namespace
}  // namespace calmon::io
