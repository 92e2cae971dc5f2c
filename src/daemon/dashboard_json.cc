// dashboard_json.cc — encoding the dashboard's messages; see the header.
#include "daemon/dashboard_json.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>

#include "calmon/wire.pb.h"
#include "config/json_message.h"

namespace calmon::daemon {

std::string proto_json(const google::protobuf::Message& message) {
  return config::print_json_message(message);
}

std::string encode_trace_batch(const std::vector<std::string>& updates, std::uint64_t dropped) {
  std::string json = "{\"type\":\"traces\",\"dropped\":" + std::to_string(dropped) + ",\"updates\":[";
  pb::TraceUpdate update;
  bool first = true;
  for (const std::string& bytes : updates) {
    if (!update.ParseFromString(bytes)) continue;
    if (!first) json += ',';
    first = false;
    json += proto_json(update);
  }
  json += "]}";
  return json;
}

std::string encode_status(const std::string& status, std::size_t browsers) {
  pb::Status message;
  (void)message.ParseFromString(status);
  return "{\"type\":\"status\",\"browsers\":" + std::to_string(browsers) + ",\"data\":" + proto_json(message) + "}";
}

std::string encode_rois(const std::string& rois) {
  pb::RoiSetInfo message;
  (void)message.ParseFromString(rois);
  return "{\"type\":\"rois\",\"data\":" + proto_json(message) + "}";
}

namespace {

std::string json_number(double value) {
  if (!std::isfinite(value)) return "0";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

std::string json_text(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string encode_image(const pb::Image& image) {
  std::vector<float> pixels(static_cast<std::size_t>(image.pixels_size()));
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (int i = 0; i < image.pixels_size(); ++i) {
    const double value = image.pixels(i);
    pixels[static_cast<std::size_t>(i)] = static_cast<float>(value);
    if (std::isfinite(value)) {
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  static_assert(std::endian::native == std::endian::little, "float32 pixels are sent little-endian");
  return "{\"name\":" + json_text(image.name()) + ",\"width\":" + std::to_string(image.width()) +
         ",\"height\":" + std::to_string(image.height()) + ",\"frames\":" + std::to_string(image.frames()) +
         ",\"min\":" + json_number(low) + ",\"max\":" + json_number(high) + ",\"data\":\"" +
         base64(pixels.data(), pixels.size() * sizeof(float)) + "\"}";
}

}  // namespace

std::string encode_images(const std::string& snapshot) {
  pb::ProjectionSnapshot message;
  (void)message.ParseFromString(snapshot);
  std::string json = "{\"type\":\"images\",\"frame_index\":" + std::to_string(message.frame_index()) +
                     ",\"sequence\":" + std::to_string(message.sequence()) + ",\"images\":[";
  for (int i = 0; i < message.images_size(); ++i) {
    if (i > 0) json += ',';
    json += encode_image(message.images(i));
  }
  return json + "]}";
}

std::string encode_reply(std::string_view reply_json) {
  return "{\"type\":\"reply\",\"data\":" + std::string(reply_json) + "}";
}

std::string base64(const void* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < size; i += 3) {
    const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < size) {
    const unsigned v = (bytes[i] << 16) | (i + 1 < size ? bytes[i + 1] << 8 : 0);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < size ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool looks_like_request(std::string_view text) {
  if (text.size() > kMaxDashboardRequestBytes) return false;
  return !text.empty() && text.front() == '{';
}

}  // namespace calmon::daemon
