// imagej_roi.cc — ImageJ's `.roi` layout; see the header.
//
// Offsets of the 64-byte header (big-endian): 0 "Iout", 4 version, 6 type, 8 top, 10 left,
// 12 bottom, 14 right, 16 vertex count, 18..33 four floats (a subpixel rectangle's or oval's
// x, y, width, height), 36 the composite's path length in floats, 48 subtype, 50 options,
// 54 rounded-rectangle corner diameter, 60 offset of the second header; the vertices or
// the path start at 64. The second header holds the name's offset (16) and length (20,
// in UTF-16 code units).
#include "io/imagej_roi.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/error.h"

namespace calmon::io {
namespace {

constexpr std::size_t kHeaderSize = 64;
constexpr std::size_t kHeader2Size = 64;
constexpr int kVersion = 228;

// ImageJ's type codes and the few option and subtype bits that matter to a mask.
enum Type : int {
  kPolygon = 0,
  kRect = 1,
  kOval = 2,
  kLine = 3,
  kFreeline = 4,
  kPolyline = 5,
  kNoRoi = 6,
  kFreehand = 7,
  kTraced = 8,
  kAngle = 9,
  kPoint = 10
};
constexpr int kSplineFit = 1;
constexpr int kSubPixelResolution = 128;
constexpr int kSubtypeText = 1;
constexpr int kSubtypeEllipse = 3;
constexpr int kSubtypeImage = 4;
constexpr int kSubtypeRotatedRect = 5;

// Path segment codes of a composite (java.awt.geom.PathIterator's).
constexpr int kMoveTo = 0;
constexpr int kLineTo = 1;
constexpr int kQuadTo = 2;
constexpr int kCubicTo = 3;
constexpr int kClose = 4;

std::string_view type_name(int type) {
  switch (type) {
    case kLine: return "line";
    case kFreeline: return "freehand line";
    case kPolyline: return "segmented line";
    case kNoRoi: return "'no ROI'";
    case kAngle: return "angle";
    case kPoint: return "point selection";
    default: return "unknown";
  }
}

class Reader {
 public:
  Reader(std::span<const std::uint8_t> bytes, std::string_view source) : bytes_(bytes), source_(source) {}

  // Errors from here on name `what` ("<source>: ROI 'name'") instead of the source.
  void name_errors(std::string what) { source_ = std::move(what); }
  bool has(std::size_t offset, std::size_t count) const {
    return offset <= bytes_.size() && count <= bytes_.size() - offset;
  }
  void need(std::size_t offset, std::size_t count, std::string_view what) const {
    if (!has(offset, count)) {
      throw Error(std::string(source_) + ": truncated ImageJ ROI: " + std::string(what) + " needs bytes up to " +
                  std::to_string(offset + count) + ", the ROI has " + std::to_string(bytes_.size()));
    }
  }
  int byte(std::size_t offset) const { return bytes_[offset]; }
  int unsigned_short(std::size_t offset) const { return (bytes_[offset] << 8) | bytes_[offset + 1]; }
  // ImageJ reads coordinates as signed shorts, but takes a value below -5000 as an
  // unsigned one (a coordinate beyond 32767).
  int coordinate(std::size_t offset) const {
    const int u = unsigned_short(offset);
    const int s = static_cast<std::int16_t>(static_cast<std::uint16_t>(u));
    return s < -5000 ? u : s;
  }
  std::int32_t int32(std::size_t offset) const {
    const std::uint32_t u = (static_cast<std::uint32_t>(bytes_[offset]) << 24) |
                            (static_cast<std::uint32_t>(bytes_[offset + 1]) << 16) |
                            (static_cast<std::uint32_t>(bytes_[offset + 2]) << 8) | bytes_[offset + 3];
    return static_cast<std::int32_t>(u);
  }
  float float32(std::size_t offset) const { return std::bit_cast<float>(static_cast<std::uint32_t>(int32(offset))); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::string source_;
};

void append_utf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::vector<std::uint16_t> utf16_of(std::string_view utf8) {
  std::vector<std::uint16_t> units;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c0 = static_cast<unsigned char>(utf8[i]);
    std::uint32_t c = c0;
    int extra = 0;
    if (c0 >= 0xF0) {
      c = c0 & 0x07;
      extra = 3;
    } else if (c0 >= 0xE0) {
      c = c0 & 0x0F;
      extra = 2;
    } else if (c0 >= 0xC0) {
      c = c0 & 0x1F;
      extra = 1;
    }
    ++i;
    for (int k = 0; k < extra && i < utf8.size(); ++k, ++i) c = (c << 6) | (static_cast<unsigned char>(utf8[i]) & 0x3F);
    if (c >= 0x10000) {
      c -= 0x10000;
      units.push_back(static_cast<std::uint16_t>(0xD800 + (c >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xDC00 + (c & 0x3FF)));
    } else {
      units.push_back(static_cast<std::uint16_t>(c));
    }
  }
  return units;
}

// The name in the second header, or "" (ImageJ then uses the file's name).
std::string stored_name(const Reader& in) {
  const std::int32_t header2 = in.int32(60);
  if (header2 <= 0 || !in.has(static_cast<std::size_t>(header2), 24)) return {};
  const std::int32_t offset = in.int32(static_cast<std::size_t>(header2) + 16);
  const std::int32_t length = in.int32(static_cast<std::size_t>(header2) + 20);
  if (offset <= 0 || length <= 0 || !in.has(static_cast<std::size_t>(offset), 2 * static_cast<std::size_t>(length))) {
    return {};
  }
  std::string name;
  for (std::int32_t i = 0; i < length; ++i) {
    std::uint32_t c = static_cast<std::uint32_t>(in.unsigned_short(static_cast<std::size_t>(offset) + 2 * i));
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < length) {
      const auto low = static_cast<std::uint32_t>(in.unsigned_short(static_cast<std::size_t>(offset) + 2 * (i + 1)));
      if (low >= 0xDC00 && low < 0xE000) {
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        ++i;
      }
    }
    append_utf8(name, c);
  }
  return name;
}

void check_finite(double v, const std::string& what) {
  if (!std::isfinite(v)) throw Error(what + ": a coordinate is not a finite number");
}

// The composite's path: segments as floats, each a type code and its points.
std::vector<std::vector<ImageJPoint>> decode_path(const Reader& in, const std::string& what) {
  const std::int32_t count = in.int32(36);
  in.need(kHeaderSize, 4 * static_cast<std::size_t>(count), "the composite's path");
  std::vector<float> values(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = in.float32(kHeaderSize + 4 * i);
  std::vector<std::vector<ImageJPoint>> subpaths;
  bool open = false;  // the last subpath takes more points
  for (std::size_t i = 0; i < values.size();) {
    const float code = values[i++];
    // A code outside the path's five (a damaged file) must not reach the cast to int.
    const int type = code >= kMoveTo && code <= kClose ? static_cast<int>(code) : -1;
    if (type == kQuadTo || type == kCubicTo) {
      throw Error(what +
                  ": the composite has curved segments, which calmon does not rasterize; "
                  "convert it to a polygon in ImageJ (Edit > Selection > Interpolate)");
    }
    if (type == kClose) {
      if (open && subpaths.back().size() > 1 && subpaths.back().back() == subpaths.back().front()) {
        subpaths.back().pop_back();  // the closing point repeats the first
      }
      open = false;
      continue;
    }
    if (type != kMoveTo && type != kLineTo) {
      throw Error(what + ": damaged composite path: segment type " + std::to_string(code) + " at float " +
                  std::to_string(i - 1));
    }
    if (i + 2 > values.size()) break;  // ImageJ ignores a last segment cut short
    const ImageJPoint point{values[i], values[i + 1]};
    i += 2;
    check_finite(point.x, what);
    check_finite(point.y, what);
    if (type == kMoveTo) {
      if (open && subpaths.back().size() == 1) {
        subpaths.back()[0] = point;  // a move after a move replaces it
      } else {
        subpaths.push_back({point});
      }
      open = true;
    } else {
      if (!open) subpaths.emplace_back();  // a line after a close goes on without a move
      subpaths.back().push_back(point);
      open = true;
    }
  }
  return subpaths;
}

}  // namespace

ImageJRoi decode_imagej_roi(std::span<const std::uint8_t> bytes, std::string_view source,
                            std::string_view fallback_name) {
  Reader in(bytes, source);
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), "Iout", 4) != 0) {
    throw Error(std::string(source) + ": is not an ImageJ ROI (no \"Iout\" at its start)");
  }
  in.need(0, kHeaderSize, "the header");
  ImageJRoi roi;
  roi.name = stored_name(in);
  if (roi.name.empty()) roi.name = std::string(fallback_name);
  const std::string what = std::string(source) + ": ROI '" + roi.name + "'";
  in.name_errors(what);

  const int version = in.unsigned_short(4);
  const int type = in.byte(6);
  const int top = in.coordinate(8);
  const int left = in.coordinate(10);
  const int bottom = in.coordinate(12);
  const int right = in.coordinate(14);
  const int subtype = in.unsigned_short(48);
  const int options = in.unsigned_short(50);
  const bool subpixel = (options & kSubPixelResolution) != 0 && version >= 222;
  ImageJShape& shape = roi.shape;
  shape.left = left;
  shape.top = top;
  shape.width = right - left;
  shape.height = bottom - top;

  if (in.int32(36) > 0) {
    if (type != kRect) throw Error(what + ": damaged composite ROI (type " + std::to_string(type) + ", not 1)");
    shape.kind = ImageJShape::Kind::kComposite;
    shape.subpaths = decode_path(in, what);
    return roi;
  }
  if (subtype == kSubtypeText) throw Error(what + ": is a text ROI; calmon takes only area ROIs");
  if (subtype == kSubtypeImage) throw Error(what + ": is an image ROI; calmon takes only area ROIs");
  switch (type) {
    case kRect:
    case kOval: {
      shape.kind = type == kRect ? ImageJShape::Kind::kRectangle : ImageJShape::Kind::kOval;
      if (subpixel && version >= 223) {
        shape.subpixel = true;
        shape.x = in.float32(18);
        shape.y = in.float32(22);
        shape.w = in.float32(26);
        shape.h = in.float32(30);
        for (double v : {shape.x, shape.y, shape.w, shape.h}) check_finite(v, what);
      }
      if (type == kRect) shape.corner_diameter = static_cast<std::int16_t>(in.unsigned_short(54));
      return roi;
    }
    case kPolygon:
    case kFreehand:
    case kTraced: break;
    case kLine:
    case kFreeline:
    case kPolyline:
    case kNoRoi:
    case kAngle:
    case kPoint:
      throw Error(what + ": is a " + std::string(type_name(type)) +
                  "; calmon takes only area ROIs (rectangle, oval, polygon, freehand, traced, composite)");
    default: throw Error(what + ": unknown ImageJ ROI type " + std::to_string(type));
  }
  // Fiji's ellipse and rotated-rectangle selections are freehand ROIs whose subpixel
  // vertices ImageJ recomputes from the shape's parameters when it opens them; calmon takes
  // the vertices stored, the same polygon.
  const bool ellipse_like = type == kFreehand && (subtype == kSubtypeEllipse || subtype == kSubtypeRotatedRect);
  if (ellipse_like && !subpixel) {
    throw Error(what + ": is an " + std::string(subtype == kSubtypeEllipse ? "ellipse" : "rotated rectangle") +
                " selection without subpixel vertices, which calmon does not rasterize; convert it to a polygon "
                "in ImageJ");
  }
  if ((options & kSplineFit) != 0) {
    throw Error(what + ": is spline-fitted, which calmon does not rasterize; convert it to a polygon in ImageJ");
  }
  shape.kind = type == kPolygon    ? ImageJShape::Kind::kPolygon
               : type == kFreehand ? ImageJShape::Kind::kFreehand
                                   : ImageJShape::Kind::kTraced;
  std::size_t n = static_cast<std::size_t>(in.unsigned_short(16));
  if (n == 0) {
    const std::int32_t large = in.int32(18);
    if (large <= 0) throw Error(what + ": the " + std::string(imagej_kind_name(shape.kind)) + " has no vertices");
    n = static_cast<std::size_t>(large);
  }
  in.need(kHeaderSize, 4 * n, "the vertices");
  shape.subpixel = subpixel;
  if (subpixel) in.need(kHeaderSize + 4 * n, 8 * n, "the subpixel vertices");
  shape.points.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (subpixel) {
      shape.points[i] = {in.float32(kHeaderSize + 4 * n + 4 * i), in.float32(kHeaderSize + 8 * n + 4 * i)};
      check_finite(shape.points[i].x, what);
      check_finite(shape.points[i].y, what);
    } else {
      // ImageJ takes a negative offset from the bounds as 0.
      shape.points[i] = {static_cast<double>(left + std::max(in.coordinate(kHeaderSize + 2 * i), 0)),
                         static_cast<double>(top + std::max(in.coordinate(kHeaderSize + 2 * n + 2 * i), 0))};
    }
  }
  return roi;
}

namespace {

class Writer {
 public:
  std::vector<std::uint8_t> bytes;

  void put16(std::size_t offset, int v) {
    grow(offset + 2);
    bytes[offset] = static_cast<std::uint8_t>((v >> 8) & 0xFF);
    bytes[offset + 1] = static_cast<std::uint8_t>(v & 0xFF);
  }
  void put32(std::size_t offset, std::uint32_t v) {
    grow(offset + 4);
    for (int k = 0; k < 4; ++k) bytes[offset + k] = static_cast<std::uint8_t>((v >> (24 - 8 * k)) & 0xFF);
  }
  void put_float(std::size_t offset, double v) { put32(offset, std::bit_cast<std::uint32_t>(static_cast<float>(v))); }
  void grow(std::size_t size) {
    if (bytes.size() < size) bytes.resize(size, 0);
  }
};

int type_code(ImageJShape::Kind kind) {
  switch (kind) {
    case ImageJShape::Kind::kRectangle: return kRect;
    case ImageJShape::Kind::kOval: return kOval;
    case ImageJShape::Kind::kPolygon: return kPolygon;
    case ImageJShape::Kind::kFreehand: return kFreehand;
    case ImageJShape::Kind::kTraced: return kTraced;
    case ImageJShape::Kind::kComposite: return kRect;
  }
  return kRect;
}

}  // namespace

std::vector<std::uint8_t> encode_imagej_roi(const ImageJRoi& roi) {
  const ImageJShape& shape = roi.shape;
  Writer out;
  out.grow(kHeaderSize);
  std::memcpy(out.bytes.data(), "Iout", 4);
  out.put16(4, kVersion);
  out.bytes[6] = static_cast<std::uint8_t>(type_code(shape.kind));
  int left = shape.left, top = shape.top, right = shape.left + shape.width, bottom = shape.top + shape.height;
  int options = 0;
  if (shape.kind == ImageJShape::Kind::kPolygon || shape.kind == ImageJShape::Kind::kFreehand ||
      shape.kind == ImageJShape::Kind::kTraced) {
    // Integer bounds enclosing the vertices; the shorts are offsets from them.
    double xmin = shape.points.empty() ? 0 : shape.points[0].x, xmax = xmin;
    double ymin = shape.points.empty() ? 0 : shape.points[0].y, ymax = ymin;
    for (const ImageJPoint& p : shape.points) {
      xmin = std::min(xmin, p.x);
      xmax = std::max(xmax, p.x);
      ymin = std::min(ymin, p.y);
      ymax = std::max(ymax, p.y);
    }
    left = static_cast<int>(std::floor(xmin));
    top = static_cast<int>(std::floor(ymin));
    right = static_cast<int>(std::ceil(xmax));
    bottom = static_cast<int>(std::ceil(ymax));
  }
  out.put16(8, top);
  out.put16(10, left);
  out.put16(12, bottom);
  out.put16(14, right);
  std::size_t end = kHeaderSize;
  switch (shape.kind) {
    case ImageJShape::Kind::kRectangle:
    case ImageJShape::Kind::kOval:
      if (shape.subpixel) {
        options |= kSubPixelResolution;
        out.put_float(18, shape.x);
        out.put_float(22, shape.y);
        out.put_float(26, shape.w);
        out.put_float(30, shape.h);
      }
      if (shape.kind == ImageJShape::Kind::kRectangle) out.put16(54, shape.corner_diameter);
      break;
    case ImageJShape::Kind::kPolygon:
    case ImageJShape::Kind::kFreehand:
    case ImageJShape::Kind::kTraced: {
      const std::size_t n = shape.points.size();
      if (n < 65536) {
        out.put16(16, static_cast<int>(n));
      } else {
        out.put32(18, static_cast<std::uint32_t>(n));
      }
      for (std::size_t i = 0; i < n; ++i) {
        out.put16(kHeaderSize + 2 * i, static_cast<int>(std::lround(shape.points[i].x)) - left);
        out.put16(kHeaderSize + 2 * n + 2 * i, static_cast<int>(std::lround(shape.points[i].y)) - top);
      }
      end = kHeaderSize + 4 * n;
      if (shape.subpixel) {
        options |= kSubPixelResolution;
        for (std::size_t i = 0; i < n; ++i) {
          out.put_float(end + 4 * i, shape.points[i].x);
          out.put_float(end + 4 * n + 4 * i, shape.points[i].y);
        }
        end += 8 * n;
      }
      break;
    }
    case ImageJShape::Kind::kComposite: {
      std::vector<float> path;
      for (const auto& subpath : shape.subpaths) {
        for (std::size_t i = 0; i < subpath.size(); ++i) {
          path.push_back(static_cast<float>(i == 0 ? kMoveTo : kLineTo));
          path.push_back(static_cast<float>(subpath[i].x));
          path.push_back(static_cast<float>(subpath[i].y));
        }
        path.push_back(static_cast<float>(kClose));
      }
      out.put32(36, static_cast<std::uint32_t>(path.size()));
      for (std::size_t i = 0; i < path.size(); ++i) out.put_float(kHeaderSize + 4 * i, path[i]);
      end = kHeaderSize + 4 * path.size();
      break;
    }
  }
  out.put16(50, options);
  // The second header, then the name in UTF-16.
  const std::size_t header2 = end;
  out.grow(header2 + kHeader2Size);
  out.put32(60, static_cast<std::uint32_t>(header2));
  const std::vector<std::uint16_t> name = utf16_of(roi.name);
  const std::size_t name_offset = header2 + kHeader2Size;
  out.put32(header2 + 16, static_cast<std::uint32_t>(name_offset));
  out.put32(header2 + 20, static_cast<std::uint32_t>(name.size()));
  out.grow(name_offset + 2 * name.size());
  for (std::size_t i = 0; i < name.size(); ++i) out.put16(name_offset + 2 * i, name[i]);
  return out.bytes;
}

}  // namespace calmon::io
