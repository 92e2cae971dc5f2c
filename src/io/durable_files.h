// durable_files.h — files rewritten whole, never half-written after a crash.
//
// A file that is rewritten while a program runs (a recording's metadata.json and
// rois.json, calmond's kept ROI set) is written under a temporary name and renamed over
// the old one, so a reader, or a process killed at any moment, finds the previous
// version or the new one, never half of either. A killed process loses nothing the
// kernel already has; to survive a power loss too, the data must also reach the disk
// (fsync): write_file_durably does that for one file, sync_tree for a whole folder at
// the end of a recording (docs/subscribers.md, "What survives a crash").
#pragma once

#include <string>

namespace calmon::io {

// Replaces `path` with `text`, whole: written to `path`.partial, then renamed.
void write_file_atomically(const std::string& path, const std::string& text);

// As write_file_atomically, and on disk when it returns: the file is fsync()ed before
// the rename, its folder after.
void write_file_durably(const std::string& path, const std::string& text);

// fsync()s every regular file and folder under `folder`, and `folder` itself.
void sync_tree(const std::string& folder);

}  // namespace calmon::io
