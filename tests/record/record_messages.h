// record_messages.h — what calmon-record's tests feed a Recording: calmond's messages
// (a frame's update, settled rows, the end of stream, a Status, an ROI set, a snapshot)
// as they come off the publish socket, [topic][serialized payload]; and the .npy rows a
// test reads back.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "calmon/wire.pb.h"
#include "io/npy_writer.h"
#include "net/topics.h"
#include "record/subscription.h"

namespace calmon::record_tool::test {

inline PublishedMessage published(std::string_view topic, const google::protobuf::Message& message) {
  const std::string bytes = message.SerializeAsString();
  return PublishedMessage{std::string(topic), zmq::message_t(bytes.data(), bytes.size())};
}

// Frame `frame`'s own update for `rois` ROIs of set `version`: F = frame + roi,
// ΔF/F₀ = (frame + roi) / 100, every other array filled; sequence = frame + 1000.
inline pb::TraceUpdate frame_update(std::int64_t frame, int rois = 2, std::uint32_t version = 1) {
  pb::TraceUpdate update;
  update.set_frame_index(frame);
  update.set_sequence(static_cast<std::uint64_t>(frame) + 1000);
  update.set_roi_set_version(version);
  for (int roi = 0; roi < rois; ++roi) {
    const double value = static_cast<double>(frame + roi);
    update.add_f(value);
    update.add_fneu(0.0);
    update.add_fcorr(value);
    update.add_f0(1.0);
    update.add_dff(value / 100.0);
    update.add_flags(0);
  }
  return update;
}

inline pb::SettledValues settled_row(std::int64_t frame, int rois = 2, std::uint32_t version = 1) {
  pb::SettledValues row;
  row.set_frame_index(frame);
  row.set_sequence(static_cast<std::uint64_t>(frame) + 1000);
  row.set_roi_set_version(version);
  for (int roi = 0; roi < rois; ++roi) {
    row.add_f0(1.0);
    row.add_dff(static_cast<double>(frame) / 10.0);
    row.add_flags(0);
  }
  return row;
}

inline pb::TraceUpdate end_of_stream(std::int64_t frames) {
  pb::TraceUpdate update;
  update.set_frame_index(frames);
  update.set_end_of_stream(true);
  return update;
}

inline pb::Status status(bool streaming) {
  pb::Status message;
  message.set_streaming(streaming);
  message.set_width(64);
  message.set_height(48);
  message.set_pixel_type(pb::UINT16);
  return message;
}

inline pb::RoiSetInfo roi_set(std::uint32_t version, const std::vector<std::string>& names) {
  pb::RoiSetInfo info;
  info.set_version(version);
  for (std::size_t i = 0; i < names.size(); ++i) {
    pb::RoiInfo& roi = *info.add_rois();
    roi.set_name(names[i]);
    pb::Rect& rect = *roi.mutable_region()->mutable_rect();  // x 10i:10i+4, y 5:8
    rect.set_xmin(static_cast<std::int32_t>(10 * i));
    rect.set_xmax(static_cast<std::int32_t>(10 * i + 4));
    rect.set_ymin(5);
    rect.set_ymax(8);
    roi.set_baseline("moving median, window 501");
    roi.set_neuropil_source("none");
  }
  return info;
}

inline pb::ProjectionSnapshot snapshot(std::int64_t frame_index) {
  pb::ProjectionSnapshot message;
  message.set_frame_index(frame_index);
  message.set_sequence(static_cast<std::uint64_t>(frame_index) + 1000);
  pb::Image& image = *message.add_images();
  image.set_name("all_mean");
  image.set_width(2);
  image.set_height(1);
  image.add_pixels(1.5);
  image.add_pixels(2.5);
  image.set_frames(frame_index);
  return message;
}

// Row `row` of a 2-D .npy of T, read past its header.
template <class T> std::vector<T> npy_row(const std::string& path, std::size_t row) {
  const io::NpyRowCount count = io::count_npy_rows(path);
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(count.header_bytes + row * count.row_bytes));
  std::vector<T> values(count.row_bytes / sizeof(T));
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count.row_bytes));
  EXPECT_TRUE(in) << path << " has no row " << row;
  return values;
}

}  // namespace calmon::record_tool::test
