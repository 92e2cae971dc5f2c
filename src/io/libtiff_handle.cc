// libtiff_handle.cc — libtiff's message callbacks, per handle and process-wide, and
// ImageJ's tags.
//
// Per-handle callbacks get the LibtiffMessages as user data. The process-wide ones
// (for the few libtiff paths that report without a handle) write to a thread_local
// buffer, so concurrent readers on different threads never mix their messages. Both
// flatten a message to one line; the recent messages keep only their first few hundred
// characters (the first message usually names the cause, the later ones its
// consequences), the warnings to show only a bounded number of distinct texts.
#include "io/libtiff_handle.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace calmon::io::detail {
namespace {

constexpr std::size_t kMaxCollectedChars = 400;

thread_local LibtiffMessages messages_without_handle;

// One line, "module: message". The file's name is left out wherever libtiff puts it
// (as the module, or as "movie.tif: " in the text): calmon's message names the file.
std::string format_message(TIFF* tiff, const char* module, const char* format, va_list args) {
  char buffer[512];
  std::vsnprintf(buffer, sizeof buffer, format, args);
  std::string text = buffer;
  const std::string file_name = tiff != nullptr ? TIFFFileName(tiff) : "";
  if (!file_name.empty()) {
    const std::string file_prefix = file_name + ": ";
    for (std::size_t at; (at = text.find(file_prefix)) != std::string::npos;) {
      text.erase(at, file_prefix.size());
    }
  }
  if (module != nullptr && *module != '\0' && module != file_name) {
    text = std::string(module) + ": " + text;
  }
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

int collect_handle_error(TIFF* tiff, void* user_data, const char* module, const char* format, va_list args) {
  static_cast<LibtiffMessages*>(user_data)->add(format_message(tiff, module, format, args));
  return 1;  // handled: libtiff's process-wide handlers are not called
}

int collect_handle_warning(TIFF* tiff, void* user_data, const char* module, const char* format, va_list args) {
  static_cast<LibtiffMessages*>(user_data)->add_warning(format_message(tiff, module, format, args));
  return 1;
}

void collect_without_handle(thandle_t, const char* module, const char* format, va_list args) {
  messages_without_handle.add(format_message(nullptr, module, format, args));
}

// ImageJ's metadata tags: known, so that libtiff does not warn about them in every file
// ImageJ or tifffile(imagej=True) saved.
TIFFExtendProc previous_tag_extender = nullptr;

void register_imagej_tags(TIFF* tiff) {
  static const TIFFFieldInfo kImageJTags[] = {
      {50838, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_LONG, FIELD_CUSTOM, 1, 1, const_cast<char*>("IJMetadataByteCounts")},
      {50839, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_BYTE, FIELD_CUSTOM, 1, 1, const_cast<char*>("IJMetadata")},
  };
  TIFFMergeFieldInfo(tiff, kImageJTags, sizeof kImageJTags / sizeof kImageJTags[0]);
  if (previous_tag_extender != nullptr) previous_tag_extender(tiff);
}

void install_process_wide_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler(nullptr);  // the default handlers print to stderr
    TIFFSetWarningHandler(nullptr);
    TIFFSetErrorHandlerExt(collect_without_handle);
    TIFFSetWarningHandlerExt(collect_without_handle);
    previous_tag_extender = TIFFSetTagExtender(register_imagej_tags);
  });
}

struct OpenOptionsDeleter {
  void operator()(TIFFOpenOptions* options) const { TIFFOpenOptionsFree(options); }
};

}  // namespace

void LibtiffMessages::add(std::string message) {
  if (message.empty() || recent_.size() >= kMaxCollectedChars) return;
  if (!recent_.empty()) recent_ += "; ";
  recent_ += message;
  if (recent_.size() > kMaxCollectedChars) recent_ = recent_.substr(0, kMaxCollectedChars) + "...";
}

void LibtiffMessages::add_warning(std::string message) {
  if (message.empty()) return;
  add(message);
  if (shown_.contains(message)) return;
  if (shown_.size() >= kMaxShownWarnings) {
    more_not_shown_ = true;
    return;
  }
  shown_.insert(message);
  new_warnings_.push_back(std::move(message));
}

std::string LibtiffMessages::take() {
  if (this != &messages_without_handle) add(messages_without_handle.take());
  std::string text = std::move(recent_);
  recent_.clear();
  return text;
}

std::vector<std::string> LibtiffMessages::take_new_warnings() {
  std::vector<std::string> warnings = std::move(new_warnings_);
  new_warnings_.clear();
  if (more_not_shown_ && !said_more_) {
    warnings.push_back("further libtiff warnings are not shown (" + std::to_string(kMaxShownWarnings) +
                       " distinct ones were)");
    said_more_ = true;
  }
  return warnings;
}

TiffHandle open_tiff(const std::string& path, const char* mode, LibtiffMessages& messages) {
  install_process_wide_handlers();
  std::unique_ptr<TIFFOpenOptions, OpenOptionsDeleter> options(TIFFOpenOptionsAlloc());
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), collect_handle_error, &messages);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), collect_handle_warning, &messages);
  return TiffHandle(TIFFOpenExt(path.c_str(), mode, options.get()));
}

}  // namespace calmon::io::detail
