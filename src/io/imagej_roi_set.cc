// imagej_roi_set.cc — .roi files and RoiSet.zip through libzip; see the header.
#include "io/imagej_roi_set.h"

#include <zip.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>

#include "core/error.h"

namespace calmon::io {
namespace {

// No ImageJ ROI comes near this (ImageJ itself refuses a .roi over 5 MB in a zip's place);
// the bound keeps a damaged or hostile entry from claiming gigabytes.
constexpr std::uint64_t kMaxRoiBytes = 64ull << 20;

bool ends_with_roi(const std::string& name) {
  return name.size() >= 4 &&
         (name.compare(name.size() - 4, 4, ".roi") == 0 || name.compare(name.size() - 4, 4, ".ROI") == 0);
}

std::string without_roi_suffix(const std::string& name) {
  return ends_with_roi(name) ? name.substr(0, name.size() - 4) : name;
}

std::string zip_error_text(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using Archive = std::unique_ptr<zip_t, ZipCloser>;

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

}  // namespace

std::vector<ImageJRoi> read_imagej_roi_set(const std::string& path) {
  int code = 0;
  Archive archive(zip_open(path.c_str(), ZIP_RDONLY, &code));
  if (!archive) {
    if (code == ZIP_ER_NOZIP) throw Error(path + ": is not a zip file (an ImageJ RoiSet.zip was expected)");
    throw Error(path + ": cannot open the zip file: " + zip_error_text(code));
  }
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  std::vector<ImageJRoi> rois;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0) {
      throw Error(path + ": damaged zip: entry " + std::to_string(i) + ": " + zip_strerror(archive.get()));
    }
    const std::string name = stat.name ? stat.name : "";
    if (!ends_with_roi(name)) continue;  // folders, anything but ROIs: ImageJ skips them too
    const std::string source = path + ": " + name;
    if (stat.size > kMaxRoiBytes) {
      throw Error(source + ": " + std::to_string(stat.size) + " bytes is too large for an ImageJ ROI");
    }
    std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0));
    if (!file) throw Error(source + ": cannot read the entry: " + zip_strerror(archive.get()));
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(stat.size));
    const zip_int64_t read = zip_fread(file.get(), bytes.data(), bytes.size());
    if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) {
      const char* why = zip_file_strerror(file.get());
      throw Error(source + ": damaged zip entry: " + (read < 0 ? std::string(why) : "it ends early"));
    }
    rois.push_back(decode_imagej_roi(bytes, source, without_roi_suffix(name)));
  }
  if (rois.empty()) throw Error(path + ": holds no .roi entries (not an ImageJ RoiSet.zip?)");
  return rois;
}

std::vector<ImageJRoi> read_imagej_rois(const std::string& path) {
  if (path.size() >= 4 && (path.ends_with(".zip") || path.ends_with(".ZIP"))) return read_imagej_roi_set(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the file: " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0 || static_cast<std::uint64_t>(size) > kMaxRoiBytes) {
    throw Error(path + ": " + std::to_string(size) + " bytes is too large for an ImageJ ROI");
  }
  in.seekg(0);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) throw Error(path + ": read error");
  std::string stem = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  return {decode_imagej_roi(bytes, path, without_roi_suffix(stem))};
}

void write_imagej_roi_set(const std::string& path, const std::vector<ImageJRoi>& rois) {
  std::set<std::string> names;
  for (const ImageJRoi& roi : rois) {
    if (!names.insert(roi.name).second) throw Error(path + ": two ROIs are named '" + roi.name + "'");
    if (roi.name.empty()) throw Error(path + ": an ROI without a name cannot be written into a RoiSet.zip");
  }
  int code = 0;
  Archive archive(zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code));
  if (!archive) throw Error(path + ": cannot create the zip file: " + zip_error_text(code));
  for (const ImageJRoi& roi : rois) {
    const std::vector<std::uint8_t> bytes = encode_imagej_roi(roi);
    void* copy = std::malloc(bytes.size());
    if (copy == nullptr) throw std::bad_alloc();
    std::memcpy(copy, bytes.data(), bytes.size());
    zip_source_t* source = zip_source_buffer(archive.get(), copy, bytes.size(), 1);  // libzip frees the copy
    if (source == nullptr) {
      std::free(copy);
      throw Error(path + ": cannot add ROI '" + roi.name + "': " + zip_strerror(archive.get()));
    }
    const std::string entry = roi.name + ".roi";
    if (zip_file_add(archive.get(), entry.c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(source);
      throw Error(path + ": cannot add ROI '" + roi.name + "': " + zip_strerror(archive.get()));
    }
  }
  zip_t* raw = archive.release();
  if (zip_close(raw) != 0) {
    const std::string why = zip_strerror(raw);
    zip_discard(raw);
    throw Error(path + ": cannot write the zip file: " + why);
  }
}

}  // namespace calmon::io
