// cell_layout.cc — the notebook tile's ten cells and their tiling (see cell_layout.h).
//
// The numbers were chosen by hand against the notebook's coordinates; the unit test
// synthetic_movie_test checks every claim in cell_layout.h, so an edit here that breaks
// the notebook fails the build's tests.
#include "synth/cell_layout.h"

namespace calmon::synth {

const std::vector<CellShape>& notebook_tile_cells() {
  //                         center x, center y, radius x, radius y, angle (degrees)
  static const std::vector<CellShape> cells = {
      CellShape(24.0, 24.0, 4.4, 3.8, 25),   // 1: pixel (21,25), rect x 15:35 y 20:35
      CellShape(63.0, 30.5, 4.6, 4.0, -30),  // 2: pixel (60,30), rect x 55:75 y 23:40
      CellShape(4.5, 31.0, 3.6, 4.4, 10),    // 3: rect x 0:10 y 23:40
      CellShape(40.0, 38.5, 4.2, 3.6, 60),   // 4: pixel (39,40)
      CellShape(11.5, 9.0, 3.6, 3.6, 0),     // 5..10: elsewhere
      CellShape(44.0, 12.5, 4.8, 3.4, 30),  CellShape(70.5, 8.5, 3.5, 3.5, 0),   CellShape(25.5, 51.0, 4.0, 3.5, -15),
      CellShape(67.0, 50.5, 5.0, 3.4, -20), CellShape(51.0, 25.0, 3.5, 3.2, 45),
  };
  return cells;
}

std::vector<CellShape> cell_layout(FrameShape frame) {
  std::vector<CellShape> cells;
  for (int tile_y = 0; tile_y < frame.height; tile_y += kNotebookTile.height) {
    for (int tile_x = 0; tile_x < frame.width; tile_x += kNotebookTile.width) {
      for (const CellShape& cell : notebook_tile_cells()) {
        CellShape moved(cell.center_x() + tile_x, cell.center_y() + tile_y, cell.radius_x(), cell.radius_y(),
                        cell.angle_deg());
        if (!moved.mask_bounds(frame).empty()) cells.push_back(moved);
      }
    }
  }
  return cells;
}

}  // namespace calmon::synth
