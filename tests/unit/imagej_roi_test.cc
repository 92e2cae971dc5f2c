// imagej_roi_test.cc — ImageJ's `.roi` bytes, built by hand field by field, decoded; every
// shape calmon takes, the name, the types it refuses and damaged files; and the encoder's
// bytes decoded back.
#include "io/imagej_roi.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/imagej_mask.h"

namespace calmon::io {
namespace {

// A .roi under construction: the 64-byte header, then whatever is appended.
struct RoiBytes {
  std::vector<std::uint8_t> bytes = std::vector<std::uint8_t>(64, 0);

  RoiBytes(int type, int version = 228) {
    std::memcpy(bytes.data(), "Iout", 4);
    put16(4, version);
    bytes[6] = static_cast<std::uint8_t>(type);
  }
  void put16(std::size_t at, int v) {
    grow(at + 2);
    bytes[at] = static_cast<std::uint8_t>((v >> 8) & 0xFF);
    bytes[at + 1] = static_cast<std::uint8_t>(v & 0xFF);
  }
  void put32(std::size_t at, std::uint32_t v) {
    grow(at + 4);
    for (int k = 0; k < 4; ++k) bytes[at + k] = static_cast<std::uint8_t>(v >> (24 - 8 * k));
  }
  void put_float(std::size_t at, float v) { put32(at, std::bit_cast<std::uint32_t>(v)); }
  void grow(std::size_t size) {
    if (bytes.size() < size) bytes.resize(size, 0);
  }
  void bounds(int top, int left, int bottom, int right) {
    put16(8, top);
    put16(10, left);
    put16(12, bottom);
    put16(14, right);
  }
  // Integer vertices as offsets from `left`, `top`; then, if given, float ones.
  void vertices(const std::vector<int>& dx, const std::vector<int>& dy, const std::vector<float>& fx = {},
                const std::vector<float>& fy = {}) {
    const std::size_t n = dx.size();
    put16(16, static_cast<int>(n));
    for (std::size_t i = 0; i < n; ++i) {
      put16(64 + 2 * i, dx[i]);
      put16(64 + 2 * n + 2 * i, dy[i]);
    }
    for (std::size_t i = 0; i < fx.size(); ++i) {
      put_float(64 + 4 * n + 4 * i, fx[i]);
      put_float(64 + 8 * n + 4 * i, fy[i]);
    }
  }
  // A second header at the end holding `name` in UTF-16.
  void name(const std::u16string& name) {
    const std::size_t header2 = bytes.size();
    grow(header2 + 64);
    put32(60, static_cast<std::uint32_t>(header2));
    put32(header2 + 16, static_cast<std::uint32_t>(header2 + 64));
    put32(header2 + 20, static_cast<std::uint32_t>(name.size()));
    for (std::size_t i = 0; i < name.size(); ++i) put16(header2 + 64 + 2 * i, name[i]);
  }
};

ImageJRoi decode(const RoiBytes& roi, std::string_view fallback = "file_name") {
  return decode_imagej_roi(roi.bytes, "cells.zip: c.roi", fallback);
}

std::string error_of(const std::vector<std::uint8_t>& bytes) {
  try {
    decode_imagej_roi(bytes, "cells.zip: c.roi", "c");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ImageJRoi, Rectangle) {
  RoiBytes bytes(1);
  bytes.bounds(20, 15, 35, 35);
  const ImageJRoi roi = decode(bytes);
  EXPECT_EQ(roi.name, "file_name");  // no name of its own
  EXPECT_EQ(roi.shape.kind, ImageJShape::Kind::kRectangle);
  EXPECT_EQ(roi.shape.left, 15);
  EXPECT_EQ(roi.shape.top, 20);
  EXPECT_EQ(roi.shape.width, 20);
  EXPECT_EQ(roi.shape.height, 15);
  EXPECT_FALSE(roi.shape.subpixel);
  EXPECT_EQ(roi.shape.corner_diameter, 0);
}

TEST(ImageJRoi, SubpixelRectangleAndOvalCarryFloatBounds) {
  for (int type : {1, 2}) {
    RoiBytes bytes(type);
    bytes.bounds(30, 50, 37, 60);
    bytes.put16(50, 128);  // subpixel resolution
    bytes.put_float(18, 50.3F);
    bytes.put_float(22, 30.6F);
    bytes.put_float(26, 9.5F);
    bytes.put_float(30, 6.2F);
    const ImageJRoi roi = decode(bytes);
    EXPECT_EQ(roi.shape.kind, type == 1 ? ImageJShape::Kind::kRectangle : ImageJShape::Kind::kOval);
    EXPECT_TRUE(roi.shape.subpixel);
    EXPECT_EQ(roi.shape.x, 50.3F);
    EXPECT_EQ(roi.shape.y, 30.6F);
    EXPECT_EQ(roi.shape.w, 9.5F);
    EXPECT_EQ(roi.shape.h, 6.2F);
  }
  RoiBytes old(2, 222);  // subpixel bounds came with version 223
  old.put16(50, 128);
  old.put_float(18, 1.5F);
  EXPECT_FALSE(decode(old).shape.subpixel);
}

TEST(ImageJRoi, RoundedRectangleKeepsItsCornerDiameter) {
  RoiBytes bytes(1);
  bytes.bounds(0, 0, 10, 10);
  bytes.put16(54, 4);
  EXPECT_EQ(decode(bytes).shape.corner_diameter, 4);
}

TEST(ImageJRoi, OvalIntegerBounds) {
  RoiBytes bytes(2);
  bytes.bounds(10, 40, 15, 47);
  const ImageJRoi roi = decode(bytes);
  EXPECT_EQ(roi.shape.kind, ImageJShape::Kind::kOval);
  EXPECT_EQ(roi.shape.width, 7);
  EXPECT_EQ(roi.shape.height, 5);
}

TEST(ImageJRoi, PolygonFreehandTracedVerticesAreOffsetsFromTheBounds) {
  const std::vector<std::pair<int, ImageJShape::Kind>> kinds = {
      {0, ImageJShape::Kind::kPolygon}, {7, ImageJShape::Kind::kFreehand}, {8, ImageJShape::Kind::kTraced}};
  for (const auto& [type, kind] : kinds) {
    RoiBytes bytes(type);
    bytes.bounds(5, 58, 25, 75);
    bytes.vertices({2, 17, 12, 0}, {0, 7, 20, 15});
    const ImageJRoi roi = decode(bytes);
    EXPECT_EQ(roi.shape.kind, kind);
    EXPECT_FALSE(roi.shape.subpixel);
    EXPECT_EQ(roi.shape.points, (std::vector<ImageJPoint>{{60, 5}, {75, 12}, {70, 25}, {58, 20}}));
  }
}

TEST(ImageJRoi, NegativeOffsetsCountAsZeroAndLargeCoordinatesAsUnsigned) {
  RoiBytes bytes(0);
  bytes.bounds(0, 0, 10, 40000 & 0xFFFF);
  bytes.vertices({-3, 5, 40000}, {1, 9, 2});
  const ImageJRoi roi = decode(bytes);
  EXPECT_EQ(roi.shape.points, (std::vector<ImageJPoint>{{0, 1}, {5, 9}, {40000, 2}}));
}

TEST(ImageJRoi, EllipseAndRotatedRectangleAreTheirStoredSubpixelVertices) {
  for (int subtype : {3, 5}) {
    RoiBytes bytes(7);
    bytes.put16(48, subtype);
    bytes.put16(50, 128);
    bytes.put_float(18, 1.0F);  // the shape's parameters, which calmon does not need
    bytes.vertices({0, 4, 2}, {0, 0, 3}, {10.5F, 14.25F, 12.0F}, {5.0F, 5.5F, 8.75F});
    const ImageJRoi roi = decode(bytes);
    EXPECT_EQ(roi.shape.kind, ImageJShape::Kind::kFreehand);
    EXPECT_TRUE(roi.shape.subpixel);
    EXPECT_EQ(roi.shape.points, (std::vector<ImageJPoint>{{10.5, 5}, {14.25, 5.5}, {12, 8.75}}));
  }
}

TEST(ImageJRoi, SubpixelPolygonTakesTheFloatVertices) {
  RoiBytes bytes(0);
  bytes.put16(50, 128);
  bytes.bounds(40, 18, 56, 32);
  bytes.vertices({2, 14, 10}, {0, 4, 16}, {20.25F, 31.7F, 27.5F}, {40.4F, 44.1F, 55.75F});
  const ImageJRoi roi = decode(bytes);
  EXPECT_TRUE(roi.shape.subpixel);
  EXPECT_EQ(roi.shape.points, (std::vector<ImageJPoint>{{20.25F, 40.4F}, {31.7F, 44.1F}, {27.5F, 55.75F}}));
}

TEST(ImageJRoi, CompositeSubpathsFromItsPath) {
  RoiBytes bytes(1);
  const std::vector<float> path = {0, 0, 0, 1, 6, 0, 1, 6, 6, 1, 0, 6, 1, 0, 0, 4,  // outer, closing point repeated
                                   0, 2, 2, 1, 4, 2, 1, 4, 4, 1, 2, 4, 4};          // the hole
  bytes.put32(36, static_cast<std::uint32_t>(path.size()));
  for (std::size_t i = 0; i < path.size(); ++i) bytes.put_float(64 + 4 * i, path[i]);
  const ImageJRoi roi = decode(bytes);
  EXPECT_EQ(roi.shape.kind, ImageJShape::Kind::kComposite);
  ASSERT_EQ(roi.shape.subpaths.size(), 2U);
  EXPECT_EQ(roi.shape.subpaths[0], (std::vector<ImageJPoint>{{0, 0}, {6, 0}, {6, 6}, {0, 6}}));
  EXPECT_EQ(roi.shape.subpaths[1], (std::vector<ImageJPoint>{{2, 2}, {4, 2}, {4, 4}, {2, 4}}));
}

TEST(ImageJRoi, CompositeWithCurvesIsRefused) {
  RoiBytes bytes(1);
  const std::vector<float> path = {0, 0, 0, 3, 1, 1, 2, 2, 3, 3, 4};
  bytes.put32(36, static_cast<std::uint32_t>(path.size()));
  for (std::size_t i = 0; i < path.size(); ++i) bytes.put_float(64 + 4 * i, path[i]);
  bytes.name(u"blob");
  EXPECT_EQ(error_of(bytes.bytes),
            "cells.zip: c.roi: ROI 'blob': the composite has curved segments, which calmon does not rasterize; "
            "convert it to a polygon in ImageJ (Edit > Selection > Interpolate)");
}

// The fuzzer's first finding (tests/fuzz/imagej_roi_fuzzer.cc): a segment code of 7.7e28
// was cast to int, which is undefined for a float that large.
TEST(ImageJRoi, ACompositeSegmentCodeFarOutOfRangeIsDamage) {
  for (float code : {7.6583e28F, -3e9F, 5.0F, std::numeric_limits<float>::infinity()}) {
    RoiBytes bytes(1);
    const std::vector<float> path = {0, 0, 0, code, 6, 0, 1, 6, 6, 4};
    bytes.put32(36, static_cast<std::uint32_t>(path.size()));
    for (std::size_t i = 0; i < path.size(); ++i) bytes.put_float(64 + 4 * i, path[i]);
    EXPECT_NE(error_of(bytes.bytes).find("damaged composite path: segment type"), std::string::npos) << code;
  }
}

TEST(ImageJRoi, TheStoredNameWinsOverTheFileName) {
  RoiBytes bytes(1);
  bytes.bounds(0, 0, 2, 2);
  bytes.name(u"cell \u00e9\U0001F600");  // UTF-16 with a surrogate pair, back as UTF-8
  EXPECT_EQ(decode(bytes).name, "cell \xc3\xa9\xf0\x9f\x98\x80");
}

TEST(ImageJRoi, ANameReachingPastTheEndFallsBackToTheFileName) {
  RoiBytes bytes(1);
  bytes.name(u"abc");
  bytes.put32(bytes.bytes.size() - 64 - 6 + 20, 1000);  // the name's length, beyond the file
  EXPECT_EQ(decode(bytes, "entry").name, "entry");
}

TEST(ImageJRoi, LinesPointsAndOtherNonAreaTypesAreRefusedNamingTheRoiAndType) {
  const std::vector<std::pair<int, std::string>> refused = {
      {3, "line"}, {4, "freehand line"}, {5, "segmented line"}, {6, "'no ROI'"}, {9, "angle"}, {10, "point selection"}};
  for (const auto& [type, name] : refused) {
    RoiBytes bytes(type);
    bytes.vertices({0, 1, 2}, {0, 1, 2});
    bytes.name(u"spot");
    EXPECT_EQ(error_of(bytes.bytes), "cells.zip: c.roi: ROI 'spot': is a " + name +
                                         "; calmon takes only area ROIs (rectangle, oval, polygon, freehand, "
                                         "traced, composite)");
  }
  RoiBytes unknown(42);
  EXPECT_EQ(error_of(unknown.bytes), "cells.zip: c.roi: ROI 'c': unknown ImageJ ROI type 42");
}

TEST(ImageJRoi, TextImageEllipseAndSplineRoisAreRefused) {
  RoiBytes text(1);
  text.put16(48, 1);
  EXPECT_NE(error_of(text.bytes).find("is a text ROI"), std::string::npos);
  RoiBytes image(1);
  image.put16(48, 4);
  EXPECT_NE(error_of(image.bytes).find("is an image ROI"), std::string::npos);
  RoiBytes ellipse(7);
  ellipse.put16(48, 3);
  ellipse.vertices({0, 4, 2}, {0, 0, 3});
  EXPECT_NE(error_of(ellipse.bytes).find("is an ellipse selection without subpixel vertices"), std::string::npos);
  RoiBytes spline(0);
  spline.put16(50, 1);
  spline.vertices({0, 4, 2}, {0, 0, 3});
  EXPECT_NE(error_of(spline.bytes).find("is spline-fitted"), std::string::npos);
}

TEST(ImageJRoi, DamagedBytesNameTheFile) {
  EXPECT_EQ(error_of({'G', 'I', 'F', '8', '9'}), "cells.zip: c.roi: is not an ImageJ ROI (no \"Iout\" at its start)");
  EXPECT_EQ(error_of({'I', 'o', 'u', 't', 0, 228}),
            "cells.zip: c.roi: truncated ImageJ ROI: the header needs bytes up to 64, the ROI has 6");
  RoiBytes cut(0);
  cut.vertices({0, 4, 2}, {0, 0, 3});
  cut.bytes.resize(70);
  EXPECT_EQ(error_of(cut.bytes),
            "cells.zip: c.roi: ROI 'c': truncated ImageJ ROI: the vertices needs bytes up to 76, the ROI has 70");
  RoiBytes none(0);
  EXPECT_EQ(error_of(none.bytes), "cells.zip: c.roi: ROI 'c': the polygon has no vertices");
  RoiBytes path(1);
  path.put32(36, 1000);
  EXPECT_NE(error_of(path.bytes).find("truncated ImageJ ROI: the composite's path needs bytes up to 4064"),
            std::string::npos);
  RoiBytes nan(0);
  nan.put16(50, 128);
  nan.vertices({0, 1, 2}, {0, 1, 2}, {0, std::numeric_limits<float>::quiet_NaN(), 2}, {0, 1, 2});
  EXPECT_NE(error_of(nan.bytes).find("a coordinate is not a finite number"), std::string::npos);
}

TEST(ImageJRoi, EncodedRoisDecodeToThemselves) {
  std::vector<ImageJRoi> rois;
  ImageJShape rect;
  rect.left = 3;
  rect.top = 4;
  rect.width = 5;
  rect.height = 6;
  rois.push_back({"rect", rect});
  ImageJShape oval = rect;
  oval.kind = ImageJShape::Kind::kOval;
  rois.push_back({"oval", oval});
  oval.subpixel = true;
  oval.x = 3.25;
  oval.y = 4.5;
  oval.w = 5.5;
  oval.h = 6.75;
  rois.push_back({"oval subpixel", oval});
  for (auto kind : {ImageJShape::Kind::kPolygon, ImageJShape::Kind::kFreehand, ImageJShape::Kind::kTraced}) {
    ImageJShape polygon;
    polygon.kind = kind;
    polygon.points = {{60, 5}, {75, 12}, {70, 25}, {58, 20}};
    rois.push_back({"p" + std::to_string(static_cast<int>(kind)), polygon});
    polygon.subpixel = true;
    polygon.points = {{20.25, 40.5}, {31.75, 44.125}, {27.5, 55.75}};
    rois.push_back({"ps" + std::to_string(static_cast<int>(kind)), polygon});
  }
  ImageJShape composite;
  composite.kind = ImageJShape::Kind::kComposite;
  composite.subpaths = {{{0, 0}, {6, 0}, {6, 6}, {0, 6}}, {{2.5, 2}, {4, 2}, {4, 4.5}}};
  rois.push_back({"dönut", composite});
  for (const ImageJRoi& roi : rois) {
    ImageJRoi back = decode_imagej_roi(encode_imagej_roi(roi), "x.roi", "x");
    if (roi.shape.kind != ImageJShape::Kind::kRectangle && roi.shape.kind != ImageJShape::Kind::kOval) {
      back.shape.left = roi.shape.left;  // the encoder derives these from the vertices
      back.shape.top = roi.shape.top;
      back.shape.width = roi.shape.width;
      back.shape.height = roi.shape.height;
    }
    EXPECT_EQ(back, roi) << roi.name;
  }
}

TEST(ImageJRoi, HugeOrWildCoordinatesAreOneLineNotGigabytes) {
  RoiBytes huge(0);
  huge.put16(50, 128);
  huge.vertices({0, 1, 2}, {0, 1, 2}, {0, 30000, 0}, {0, 0, 30000});
  const ImageJRoi roi = decode(huge);
  try {
    imagej_region(roi.shape, "c.roi: ROI 'c'");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "c.roi: ROI 'c': its bounds of 30000x30000 pixels are larger than calmon "
              "rasterizes (4096x4096)");
  }
  RoiBytes wild(2);
  wild.put16(50, 128);
  wild.put_float(18, 3e30F);
  wild.put_float(26, 5.0F);
  wild.put_float(30, 5.0F);
  EXPECT_THROW(imagej_region(decode(wild).shape, "c"), Error);
}

// Every byte of valid ROIs of each kind changed at random, many times over: decoding and
// then rasterizing either works or throws calmon::Error, nothing else, in bounded memory.
TEST(ImageJRoi, DamagedBytesNeverEscapeAsAnythingButAnError) {
  std::vector<std::vector<std::uint8_t>> seeds;
  ImageJShape shape;
  shape.left = 3;
  shape.top = 4;
  shape.width = 5;
  shape.height = 6;
  seeds.push_back(encode_imagej_roi({"r", shape}));
  shape.kind = ImageJShape::Kind::kOval;
  seeds.push_back(encode_imagej_roi({"o", shape}));
  shape.kind = ImageJShape::Kind::kPolygon;
  shape.points = {{10, 5}, {25, 12}, {20, 25}, {8, 20}};
  seeds.push_back(encode_imagej_roi({"p", shape}));
  shape.subpixel = true;
  shape.points = {{10.5, 5.25}, {25, 12}, {20.75, 25}};
  seeds.push_back(encode_imagej_roi({"ps", shape}));
  shape.kind = ImageJShape::Kind::kComposite;
  shape.subpaths = {{{0, 0}, {6, 0}, {6, 6}, {0, 6}}, {{2.5, 2}, {4, 2}, {4, 4.5}}};
  seeds.push_back(encode_imagej_roi({"c", shape}));
  std::mt19937 random(13);
  int decoded = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::vector<std::uint8_t> bytes = seeds[static_cast<std::size_t>(trial) % seeds.size()];
    const int changes = 1 + trial % 4;
    for (int k = 0; k < changes; ++k) {
      bytes[random() % bytes.size()] = static_cast<std::uint8_t>(random());
    }
    if (trial % 7 == 0) bytes.resize(random() % bytes.size());
    try {
      const ImageJRoi roi = decode_imagej_roi(bytes, "fuzz.roi", "fuzz");
      imagej_region(roi.shape, "fuzz");
      ++decoded;
    } catch (const Error&) {
    }
  }
  EXPECT_GT(decoded, 0);
}

}  // namespace
}  // namespace calmon::io
