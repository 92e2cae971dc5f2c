// TEMPORARY stub (replaced by the i11-refimage branch).
#pragma once
#include <string>
#include "core/error.h"
#include "core/image.h"
namespace calmon::io {
inline Image read_reference_image(const std::string& path) { throw Error(path + ": reading not written yet"); }
}  // namespace calmon::io
