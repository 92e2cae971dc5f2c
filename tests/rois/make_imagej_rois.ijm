// make_imagej_rois.ijm — ImageJ makes an ROI of every area shape on a movie, saves each as
// ImageJ saves it, and measures each on every frame: the reference of imagej_golden_test.py.
//
// Argument: "MOVIE|OUT_DIR". Writes OUT_DIR/<name>.roi for each ROI (ImageJ's own encoder,
// the bytes its ROI Manager puts into a RoiSet.zip), OUT_DIR/names.txt (the ROIs in order)
// and OUT_DIR/measured.csv: name,frame,area,mean — what Multi Measure reports, taken the way
// it takes it: the ROI's mask on each frame, mean with 9 decimals, area in pixels.
//
// Run as `java -Djava.awt.headless=false -jar ij.jar -batch` with no DISPLAY (docs/rois.md):
// ImageJ 1.53t builds its menus even in batch mode, which a headless JVM refuses, while
// without a display nothing is shown. What opens a window cannot run so: the ROI Manager
// (saving a RoiSet.zip, Multi Measure) and dialogs such as Set Measurements. So each ROI
// is saved alone, the test zips them as the ROI Manager does, and each frame is measured
// by getStatistics, the statistics Multi Measure reports.
args = split(getArgument(), "|");
movie = args[0];
out = args[1];
setBatchMode(true);

// A traced outline: the wand on a blob of two overlapping ovals, drawn on a scratch image.
newImage("blob", "8-bit black", 80, 60, 1);
blob = getImageID();
setColor(255);
makeOval(44, 38, 13, 9);
fill();
makeOval(52, 43, 9, 12);
fill();
run("Select None");

open(movie);
movieId = getImageID();
var names = "";  // one line per ROI
var csv = "name,frame,area,mean\n";

// Saves the selection as <name>.roi and measures it as read back from that file: what a
// RoiSet.zip holds. (A composite ImageJ has just made keeps its outline in doubles; the
// file keeps floats, and the two can differ by a pixel in the mask.)
function keep(name) {
  Roi.setName(name);
  path = out + "/" + name + ".roi";
  saveAs("Selection", path);
  run("Select None");
  open(path);
  names = names + name + "\n";
  for (s = 1; s <= nSlices; s++) {
    setSlice(s);
    getStatistics(area, mean);
    csv = csv + name + "," + s + "," + area + "," + d2s(mean, 9) + "\n";
  }
}

makeRectangle(15, 20, 20, 15);
keep("rect");
makeOval(40, 10, 7, 5);
keep("oval_odd");
makeOval(2, 2, 12, 10);
keep("oval_even");
makeOval(50.3, 30.6, 9.5, 6.2);
keep("oval_subpixel");
makeSelection("polygon", newArray(60, 75, 70, 58), newArray(5, 12, 25, 20));
keep("polygon");
// A right triangle whose long side runs through pixel centres: ImageJ's edge rule decides.
makeSelection("polygon", newArray(3, 13, 3), newArray(40, 40, 50));
keep("triangle");
makeSelection("polygon", newArray(20.25, 31.7, 27.5, 18.9, 22.5), newArray(40.4, 44.1, 55.75, 52.2, 47.5));
keep("polygon_subpixel");
xs = newArray(24);
ys = newArray(24);
for (i = 0; i < 24; i++) {
  a = 2 * PI * i / 24;
  r = 6 + 2 * sin(3 * a);
  xs[i] = round(66 + r * cos(a));
  ys[i] = round(44 + r * sin(a));
}
makeSelection("freehand", xs, ys);
keep("freehand");
for (i = 0; i < 24; i++) {
  a = 2 * PI * i / 24;
  xs[i] = 36.3 + 5.2 * cos(a);
  ys[i] = 48.7 + 4.1 * sin(a);
}
makeSelection("freehand", xs, ys);
keep("freehand_subpixel");
selectImage(blob);
doWand(48, 42, 0, "8-connected");
selectImage(movieId);
run("Restore Selection");
keep("traced");
makeOval(25, 2, 15, 15);
setKeyDown("alt");
makeOval(29, 6, 7, 7);
setKeyDown("none");
keep("donut");
makeRectangle(2, 25, 5, 6);
setKeyDown("shift");
makeOval(8, 52, 6, 6);
setKeyDown("none");
keep("two_pieces");
makeSelection("polygon", newArray(44.5, 57.2, 51.3), newArray(20.2, 22.9, 29.6));
setKeyDown("shift");
makeOval(53.4, 24.8, 6.3, 5.1);
setKeyDown("none");
keep("composite_subpixel");

makeRectangle(60.5, 40.25, 7.5, 4.6);
keep("rect_subpixel");
makeSelection("polygon", newArray(80, 72, 80), newArray(48, 60, 60));
keep("corner");  // along the frame's right and bottom edges

// Many more, to meet the rules' corner cases by number: every oval box from 1x1 to 9x9
// pixels, and random outlines (self-crossing ones included) with vertices on the pixel
// grid, at pixel centres and anywhere between, some joined into composites.
for (w = 1; w <= 9; w++) {
  for (h = 1; h <= 9; h += 2) {
    makeOval(1 + 8 * (w - 1), 1 + (h - 1) * 3, w, h);
    keep("oval_" + w + "x" + h);
  }
}
// Rounded rectangles, the corner diameter from small to past the width and height.
random("seed", 11);
for (k = 0; k < 8; k++) {
  w = 2 + floor(20 * random());
  h = 2 + floor(16 * random());
  makeRectangle(floor((78 - w) * random()), floor((58 - h) * random()), w, h, 1 + floor(5 * k * random()));
  keep("rounded_" + k);
}

// Fiji's ellipse and rotated-rectangle tools: freehand ROIs that ImageJ rebuilds from
// their parameters when it opens them.
random("seed", 3);
for (k = 0; k < 12; k++) {
  x1 = 12 + 50 * random();
  y1 = 12 + 34 * random();
  a = 2 * PI * random();
  len = 3 + 8 * random();
  if (k % 2 == 0) {
    makeEllipse(x1, y1, x1 + len * cos(a), y1 + len * sin(a), 0.3 + 0.7 * random());
    keep("ellipse_" + k);
  } else {
    makeRotatedRectangle(x1, y1, x1 + len * cos(a), y1 + len * sin(a), 1 + 6 * random());
    keep("rotated_rect_" + k);
  }
}
random("seed", 7);
for (k = 0; k < 24; k++) {
  n = 3 + k % 6;
  xs = newArray(n);
  ys = newArray(n);
  for (i = 0; i < n; i++) {
    xs[i] = 2 + 74 * random();
    ys[i] = 2 + 54 * random();
    if (k % 3 == 0) {
      xs[i] = round(xs[i]);
      ys[i] = round(ys[i]);
    } else if (k % 3 == 1) {
      xs[i] = floor(xs[i]) + 0.5;
      ys[i] = floor(ys[i]) + 0.5;
    }
  }
  makeSelection("polygon", xs, ys);
  if (k % 4 == 3) {
    setKeyDown("shift");
    makeOval(2 + 60 * random(), 2 + 40 * random(), 4 + 10 * random(), 4 + 10 * random());
    setKeyDown("none");
  }
  keep("random_" + k);
}

File.saveString(csv, out + "/measured.csv");
File.saveString(names, out + "/names.txt");
