// measure_imagej_rois.ijm — ImageJ opens `.roi` files (those calmon-rois exported) on a
// movie and measures each on every frame, as make_imagej_rois.ijm measures its own.
//
// Argument: "MOVIE|ROI_DIR|OUT_CSV". Reads ROI_DIR/names.txt (the ROI files' names without
// ".roi", in order), opens each ROI_DIR/<name>.roi onto the movie with ImageJ's ROI decoder
// and writes OUT_CSV: name,stored_name,frame,area,mean (stored_name: the name ImageJ reads
// from the ROI itself). Runs without a display like make_imagej_rois.ijm.
args = split(getArgument(), "|");
movie = args[0];
dir = args[1];
setBatchMode(true);
open(movie);
names = split(File.openAsString(dir + "/names.txt"), "\n");
csv = "name,stored_name,frame,area,mean\n";
for (i = 0; i < names.length; i++) {
  name = names[i];
  if (name == "") continue;
  run("Select None");
  open(dir + "/" + name + ".roi");
  stored = Roi.getName;
  for (s = 1; s <= nSlices; s++) {
    setSlice(s);
    getStatistics(area, mean);
    csv = csv + name + "," + stored + "," + s + "," + area + "," + d2s(mean, 9) + "\n";
  }
}
File.saveString(csv, args[2]);
