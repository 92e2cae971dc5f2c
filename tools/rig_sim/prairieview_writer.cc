// prairieview_writer.cc — PrairieView-style folders; see the header.
//
// A TIFF here is: the 8-byte header, one IFD of 12 entries right after it, the
// ImageDescription (OME-XML) and then the pixels, one strip. Everything before the pixels
// is written first, so a file stopped half-way has a valid-looking directory whose strip
// runs past the end of the file, which is what a reader must not take for a frame.
#include "rig_sim/prairieview_writer.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/error.h"

namespace calmon::rig_sim {
namespace {

namespace fs = std::filesystem;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_file(const std::string& path, const char* mode) {
  File file(std::fopen(path.c_str(), mode));
  if (!file) throw Error(path + ": cannot open for writing");
  return file;
}

void write_bytes(std::FILE* file, const std::string& path, const void* data, std::size_t size) {
  if (size > 0 && std::fwrite(data, 1, size, file) != size) throw Error(path + ": write failed (disk full?)");
}

void flush(std::FILE* file, const std::string& path) {
  if (std::fflush(file) != 0) throw Error(path + ": write failed (disk full?)");
}

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string xml_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A minimal OME-XML for one uint16 plane of one channel, the whole image in this file.
std::string ome_xml(const std::string& name, FrameShape shape, std::uint32_t channel, double relative_time_s) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://www.openmicroscopy.org/Schemas/OME/2016-06 "
         "http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd\" Creator=\"calmon-rig-sim\">"
         "<Image ID=\"Image:0\" Name=\"" +
         xml_escaped(name) +
         "\">"
         "<Pixels ID=\"Pixels:0\" DimensionOrder=\"XYCZT\" Type=\"uint16\" SizeX=\"" +
         std::to_string(shape.width) + "\" SizeY=\"" + std::to_string(shape.height) +
         "\" SizeC=\"1\" SizeZ=\"1\" SizeT=\"1\" BigEndian=\"false\">"
         "<Channel ID=\"Channel:0:0\" Name=\"Ch" +
         std::to_string(channel) +
         "\" SamplesPerPixel=\"1\"/>"
         "<TiffData IFD=\"0\" PlaneCount=\"1\"/>"
         "<Plane TheC=\"0\" TheZ=\"0\" TheT=\"0\" DeltaT=\"" +
         format("%.15g", relative_time_s) +
         "\" DeltaTUnit=\"s\"/>"
         "</Pixels></Image></OME>";
}

// Header, IFD and description of a single-strip uint16 grayscale TIFF; the pixels follow at
// the returned text's size.
std::string tiff_head(FrameShape shape, const std::string& description) {
  constexpr std::uint16_t kShort = 3, kLong = 4, kAscii = 2;
  constexpr std::uint32_t kEntries = 12;
  const std::uint32_t description_at = 8 + 2 + kEntries * 12 + 4;
  const auto description_bytes = static_cast<std::uint32_t>(description.size() + 1);
  const std::uint32_t pixels_at = (description_at + description_bytes + 1) & ~1u;  // word-aligned
  const auto pixel_bytes = static_cast<std::uint32_t>(shape.pixel_count() * 2);
  std::string head = "II";
  put16(head, 42);
  put32(head, 8);
  put16(head, kEntries);
  const auto entry = [&head](std::uint16_t tag, std::uint16_t type, std::uint32_t count, std::uint32_t value) {
    put16(head, tag);
    put16(head, type);
    put32(head, count);
    put32(head, value);  // a SHORT sits in the low bytes, little-endian
  };
  entry(256, kLong, 1, static_cast<std::uint32_t>(shape.width));   // ImageWidth
  entry(257, kLong, 1, static_cast<std::uint32_t>(shape.height));  // ImageLength
  entry(258, kShort, 1, 16);                                       // BitsPerSample
  entry(259, kShort, 1, 1);                                        // Compression: none
  entry(262, kShort, 1, 1);                                        // Photometric: black is zero
  entry(270, kAscii, description_bytes, description_at);           // ImageDescription
  entry(273, kLong, 1, pixels_at);                                 // StripOffsets
  entry(277, kShort, 1, 1);                                        // SamplesPerPixel
  entry(278, kLong, 1, static_cast<std::uint32_t>(shape.height));  // RowsPerStrip
  entry(279, kLong, 1, pixel_bytes);                               // StripByteCounts
  entry(284, kShort, 1, 1);                                        // PlanarConfiguration: chunky
  entry(339, kShort, 1, 1);                                        // SampleFormat: unsigned
  put32(head, 0);                                                  // no next IFD
  head += description;
  head += '\0';
  head.resize(pixels_at, '\0');
  return head;
}

void check(const PrairieViewOptions& options) {
  const auto bad = [](const std::string& what) { throw Error("PrairieView writer: " + what); };
  if (options.channels.empty()) bad("no channels");
  std::vector<std::uint32_t> channels = options.channels;
  std::sort(channels.begin(), channels.end());
  if (channels.front() == 0) bad("channel 0 (PrairieView counts channels from 1)");
  if (std::adjacent_find(channels.begin(), channels.end()) != channels.end()) bad("a channel given twice");
  if (options.planes == 0) bad("0 planes");
  if (options.shape.width <= 0 || options.shape.height <= 0) {
    bad("frame size " + std::to_string(options.shape.width) + "x" + std::to_string(options.shape.height));
  }
  if (options.shape.pixel_count() > 0x7fff'0000u / 2) bad("frames too large for a classic TIFF");
  if (!(options.frame_period_s > 0)) bad("frame period " + format("%g", options.frame_period_s) + " s");
  if (options.series_name.empty() || options.series_name.find('/') != std::string::npos) {
    bad("series name \"" + options.series_name + "\"");
  }
}

class SeriesWriter {
 public:
  SeriesWriter(const PrairieViewOptions& options, const PrairieViewSource& source)
      : options_(options), source_(source), folder_(options.folder) {
    xml_path_ = (folder_ / (options.series_name + ".xml")).string();
  }

  PrairieViewSeries run() {
    std::error_code error;
    fs::create_directories(folder_, error);
    if (error) throw Error(folder_.string() + ": cannot create the folder: " + error.message());
    const double period = options_.frame_period_s;
    xml_ =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<PVScan version=\"5.8.64.0\" date=\"12/2/2026 12:00:00 PM\" "
        "notes=\"PrairieView-style test data written by calmon-rig-sim\">\n"
        "  <PVStateShard>\n"
        "    <PVStateValue key=\"framePeriod\" value=\"" +
        format("%.15g", period) +
        "\" />\n"
        "    <PVStateValue key=\"linesPerFrame\" value=\"" +
        std::to_string(options_.shape.height) +
        "\" />\n"
        "    <PVStateValue key=\"pixelsPerLine\" value=\"" +
        std::to_string(options_.shape.width) +
        "\" />\n"
        "  </PVStateShard>\n";
    if (options_.xml == XmlWriting::kGrowsWithEachFrame) {
      xml_file_ = open_file(xml_path_, "wb");
      append_xml();
    }
    std::vector<std::uint16_t> source_pixels(options_.shape.pixel_count());
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t frames = 0;
    bool go_on = true;
    for (std::uint64_t volume = 0; volume < options_.volumes && go_on; ++volume) {
      const auto cycle = static_cast<std::uint32_t>(options_.planes > 1 ? volume + 1 : 1);
      for (std::uint32_t plane = 0; plane < options_.planes && go_on; ++plane) {
        const double time_s = static_cast<double>(frames) * period;
        if (options_.paced) {
          std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                    std::chrono::duration<double>(time_s)));
        }
        if (plane == 0 && (options_.planes > 1 || volume == 0)) open_sequence(cycle);
        source_(volume, plane, source_pixels);
        const std::uint64_t index = options_.planes > 1 ? plane + 1 : volume + 1;
        // relativeTime counts from the first frame of the Sequence (the volume's first plane).
        const std::uint64_t first_of_sequence = options_.planes > 1 ? volume * options_.planes : 0;
        const double relative_s = static_cast<double>(frames - first_of_sequence) * period;
        write_frame(cycle, index, relative_s, options_.first_absolute_time_s + time_s, source_pixels);
        ++frames;
        if (options_.planes > 1 && plane + 1 == options_.planes) close_sequence();
        if (options_.after_frame) go_on = options_.after_frame(frames);
      }
    }
    if (sequence_open_) close_sequence();
    xml_ += "</PVScan>\n";
    if (xml_file_) {
      append_xml();
      xml_file_.reset();
    } else {
      const std::string temporary = xml_path_ + ".tmp";
      File file = open_file(temporary, "wb");
      write_bytes(file.get(), temporary, xml_.data(), xml_.size());
      flush(file.get(), temporary);
      file.reset();
      rename(temporary, xml_path_);
    }
    return {xml_path_, frames};
  }

 private:
  void open_sequence(std::uint32_t cycle) {
    xml_ += std::string("  <Sequence type=\"") +
            (options_.planes > 1 ? "TSeries ZSeries Element" : "TSeries Timed Element") + "\" cycle=\"" +
            std::to_string(cycle) + "\" time=\"12:00:00.0000000\">\n";
    sequence_open_ = true;
  }

  void close_sequence() {
    xml_ += "  </Sequence>\n";
    sequence_open_ = false;
  }

  void write_frame(std::uint32_t cycle, std::uint64_t index, double relative_s, double absolute_s,
                   const std::vector<std::uint16_t>& source) {
    std::string frame = "    <Frame relativeTime=\"" + format("%.15g", relative_s) + "\" absoluteTime=\"" +
                        format("%.15g", absolute_s) + "\" index=\"" + std::to_string(index) +
                        "\" parameterSet=\"CurrentSettings\">\n";
    for (std::size_t position = 0; position < options_.channels.size(); ++position) {
      const std::uint32_t channel = options_.channels[position];
      const std::string name = prairieview_file_name(options_.series_name, cycle, channel, index);
      write_tiff(name, channel, position, relative_s, source);
      frame += "      <File channel=\"" + std::to_string(channel) + "\" channelName=\"Ch" + std::to_string(channel) +
               "\" page=\"1\" filename=\"" + xml_escaped(name) + "\" />\n";
    }
    frame += "    </Frame>\n";
    xml_ += frame;
    if (xml_file_) append_xml();
  }

  void write_tiff(const std::string& name, std::uint32_t channel, std::size_t position, double relative_s,
                  const std::vector<std::uint16_t>& source) {
    std::string bytes = tiff_head(options_.shape, ome_xml(name, options_.shape, channel, relative_s));
    const std::size_t head_bytes = bytes.size();
    bytes.reserve(head_bytes + source.size() * 2);
    for (const std::uint16_t value : source) put16(bytes, channel_pixel(value, position));
    const std::string path = (folder_ / name).string();
    const bool in_place = options_.files == FileAppearance::kWrittenInPlace;
    const std::string target = in_place ? path : path + ".tmp";
    File file = open_file(target, "wb");
    if (in_place) {
      const std::size_t half = head_bytes + (bytes.size() - head_bytes) / 2;
      write_bytes(file.get(), target, bytes.data(), half);
      flush(file.get(), target);
      if (options_.on_half_written) options_.on_half_written(path);
      write_bytes(file.get(), target, bytes.data() + half, bytes.size() - half);
    } else {
      write_bytes(file.get(), target, bytes.data(), bytes.size());
    }
    flush(file.get(), target);
    if (std::fclose(file.release()) != 0) throw Error(target + ": write failed (disk full?)");
    if (!in_place) rename(target, path);
  }

  // The XML text not yet in the file, appended and flushed.
  void append_xml() {
    write_bytes(xml_file_.get(), xml_path_, xml_.data() + xml_written_, xml_.size() - xml_written_);
    flush(xml_file_.get(), xml_path_);
    xml_written_ = xml_.size();
  }

  static void rename(const std::string& from, const std::string& to) {
    std::error_code error;
    fs::rename(from, to, error);
    if (error) throw Error(from + ": cannot rename to " + to + ": " + error.message());
  }

  const PrairieViewOptions& options_;
  const PrairieViewSource& source_;
  fs::path folder_;
  std::string xml_path_;
  std::string xml_;  // the whole XML so far
  std::size_t xml_written_ = 0;
  File xml_file_;
  bool sequence_open_ = false;
};

}  // namespace

std::uint16_t channel_pixel(std::uint16_t value, std::size_t position) {
  const std::uint64_t stored = static_cast<std::uint64_t>(value) * (position + 1) + 1000 * position;
  return static_cast<std::uint16_t>(std::min<std::uint64_t>(stored, 65535));
}

std::string prairieview_file_name(const std::string& series_name, std::uint32_t cycle, std::uint32_t channel,
                                  std::uint64_t index) {
  char tail[64];
  std::snprintf(tail, sizeof tail, "_Cycle%05" PRIu32 "_Ch%" PRIu32 "_%06" PRIu64 ".ome.tif", cycle, channel, index);
  return series_name + tail;
}

PrairieViewSeries write_prairieview_series(const PrairieViewOptions& options, const PrairieViewSource& source) {
  check(options);
  return SeriesWriter(options, source).run();
}

}  // namespace calmon::rig_sim
