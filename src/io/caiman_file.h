// caiman_file.h — the spatial footprints of CaImAn's saved results (`cnm.save('x.hdf5')`),
// read with the HDF5 C library.
//
// CaImAn saves its CNMF object's dict to HDF5: `estimates/A` is the footprint matrix, one
// column per component and one row per pixel, stored as scipy's CSC sparse matrix — a group
// with `data` (the values), `indices` (their rows), `indptr` (where each column starts) and
// `shape` (pixels, components). A row is a pixel in Fortran (column-major) order of the
// field's `dims` (height, width), stored as `estimates/dims` and at the top as `dims`: pixel
// p is y = p % height, x = p / height. Each column becomes a weighted mask whose weights
// are A's values; a threshold drops the pixels below that fraction of the column's largest.
#pragma once

#include <string>
#include <vector>

#include "core/region.h"

namespace calmon::io {

struct CaimanFootprints {
  int height = 0;                                      // dims[0]
  int width = 0;                                       // dims[1]
  std::vector<std::vector<WeightedPixel>> components;  // column j of A: its nonzero pixels, in A's order
};

// `threshold` in [0, 1]: keeps a component's pixels whose value is at least threshold × its
// largest value (0: every nonzero pixel). Throws calmon::Error "<path>: ..." for a file that
// is not HDF5, has no estimates/A (or A is None: nothing fitted yet), whose A is not a
// sparse-matrix group, whose dims are not 2-D, whose arrays disagree with each other or
// with dims, a negative or non-finite value (naming the component), an empty component.
CaimanFootprints read_caiman_footprints(const std::string& path, double threshold = 0.0);

}  // namespace calmon::io
