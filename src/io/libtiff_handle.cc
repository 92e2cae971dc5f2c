// libtiff_handle.cc — libtiff's message callbacks, per handle and process-wide.
//
// Per-handle callbacks get the LibtiffMessages as user data. The process-wide ones
// (for the few libtiff paths that report without a handle) write to a thread_local
// buffer, so concurrent readers on different threads never mix their messages. Both
// flatten a message to one line and keep only the first few hundred characters: the
// first message usually names the cause, the later ones its consequences.
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

int collect_handle_error(TIFF* tiff, void* user_data, const char* module, const char* format,
                         va_list args) {
  static_cast<LibtiffMessages*>(user_data)->add(format_message(tiff, module, format, args));
  return 1;  // handled: libtiff's process-wide handlers are not called
}

int drop_handle_warning(TIFF*, void*, const char*, const char*, va_list) {
  return 1;
}

void collect_error_without_handle(thandle_t, const char* module, const char* format, va_list args) {
  messages_without_handle.add(format_message(nullptr, module, format, args));
}

void install_process_wide_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler(nullptr);  // the default handler prints to stderr
    TIFFSetWarningHandler(nullptr);
    TIFFSetErrorHandlerExt(collect_error_without_handle);
    TIFFSetWarningHandlerExt(nullptr);
  });
}

struct OpenOptionsDeleter {
  void operator()(TIFFOpenOptions* options) const { TIFFOpenOptionsFree(options); }
};

}  // namespace

void LibtiffMessages::add(std::string message) {
  if (message.empty() || text_.size() >= kMaxCollectedChars) return;
  if (!text_.empty()) text_ += "; ";
  text_ += message;
  if (text_.size() > kMaxCollectedChars) text_ = text_.substr(0, kMaxCollectedChars) + "...";
}

std::string LibtiffMessages::take() {
  if (this != &messages_without_handle) add(messages_without_handle.take());
  std::string text = std::move(text_);
  text_.clear();
  return text;
}

TiffHandle open_tiff(const std::string& path, const char* mode, LibtiffMessages& messages) {
  install_process_wide_handlers();
  std::unique_ptr<TIFFOpenOptions, OpenOptionsDeleter> options(TIFFOpenOptionsAlloc());
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), collect_handle_error, &messages);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), drop_handle_warning, nullptr);
  return TiffHandle(TIFFOpenExt(path.c_str(), mode, options.get()));
}

}  // namespace calmon::io::detail
