// captured_output.h — a FILE* whose text a test reads back, for calmon-sub's displays.
//
// The displays write to a std::FILE* (stdout in the program); here it is a memory
// stream (open_memstream), and text() returns everything written so far.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace calmon::sub_tool::test {

class CapturedOutput {
 public:
  CapturedOutput() : file_(open_memstream(&buffer_, &size_)) {}
  ~CapturedOutput() {
    std::fclose(file_);
    std::free(buffer_);
  }
  CapturedOutput(const CapturedOutput&) = delete;
  CapturedOutput& operator=(const CapturedOutput&) = delete;

  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buffer_, size_);
  }

 private:
  char* buffer_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

}  // namespace calmon::sub_tool::test
