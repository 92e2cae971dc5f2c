// error.h — the one exception type calmon throws for bad input.
//
// Every message is a single line that names the problem and where it is
// ("movie.tif: page 17: ...", "ROI 'cell1': rectangle ... is outside the 80x60 frame").
// Programs catch it at the top, print `what()` and exit non-zero; nothing is half done.
#pragma once

#include <stdexcept>
#include <string>

namespace calmon {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace calmon
