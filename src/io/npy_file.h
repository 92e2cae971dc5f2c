// npy_file.h — a whole .npy file read into memory as a value: a plain numeric array, or the
// pickle of an object array (np.save(..., allow_pickle=True)) read by the restricted
// unpickler (pickle_reader.h), never executed.
//
// Suite2p's outputs are of both kinds: F.npy and iscell.npy plain, stat.npy an object array
// of dicts, ops.npy a 0-d object array holding one dict. The file is read whole, at most
// `max_bytes` of it (refused beyond, before anything is allocated).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "io/pickle_reader.h"

namespace calmon::io {

inline constexpr std::size_t kDefaultMaxNpyFileBytes = std::size_t{4} << 30;

// The root is a numpy array (PickleValue::Kind::kArray) of the file's shape: for dtype '|O'
// its `items` are the elements, otherwise `text` holds the raw data. Throws calmon::Error
// "<path>: ..." for a missing file, a file that is not .npy, data cut short, or a pickle
// the unpickler refuses.
std::unique_ptr<PickleDocument> read_npy_file(const std::string& path, std::size_t max_bytes = kDefaultMaxNpyFileBytes);

}  // namespace calmon::io
