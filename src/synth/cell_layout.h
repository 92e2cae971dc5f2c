// cell_layout.h — where the synthetic movie's cells are: the notebook's tile.
//
// The course notebook (written for CaImAn's demoMovie.tif, 80×60) picks pixels and
// rectangles by coordinates. The synthetic movie has cells exactly where it expects
// them, so every plot of the notebook shows what its text says:
//   cell 1 contains pixel (x=21, y=25) and lies in the rectangle x 15:35, y 20:35;
//   cell 2 contains pixel (x=60, y=30) and lies in the rectangle x 55:75, y 23:40;
//   cell 3 lies in the rectangle x 0:10, y 23:40;
//   cell 4 contains pixel (x=39, y=40);
//   the neuropil pixels (20, 28), (56, 33), (39, 45) are in no cell;
// plus six more cells elsewhere. A frame larger than 80×60 repeats the tile, so a
// 512×512 movie has a realistic density of cells; a cell is kept when any of its pixels
// is in the frame.
#pragma once

#include <vector>

#include "core/frame_view.h"
#include "synth/cell_shape.h"

namespace calmon::synth {

inline constexpr FrameShape kNotebookTile{80, 60};

// The ten cells of one 80×60 tile, in id order (cell k is element k-1).
const std::vector<CellShape>& notebook_tile_cells();

// The cells of a frame of any size: the tile repeated from (0, 0), row by row.
std::vector<CellShape> cell_layout(FrameShape frame);

}  // namespace calmon::synth
