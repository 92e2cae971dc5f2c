// durable_files.h — the recording's files, whole after a crash and on disk at the end.
//
// metadata.json and rois.json are rewritten while recording; each is written under a
// temporary name and renamed over the old one, so a reader, or a recorder killed at any
// moment, finds the previous version or the new one, never half of either. At the end of
// a recording (and of a repair) sync_tree() has the kernel write every file and folder
// of the recording to disk (fsync), so that it survives a power loss too. Flushes while
// recording do not fsync: a killed process loses nothing the kernel already has
// (docs/subscribers.md, "What survives a crash").
#pragma once

#include <string>

namespace calmon::record_tool {

// Replaces `path` with `text`, whole: written to `path`.partial, then renamed.
void write_file_atomically(const std::string& path, const std::string& text);

// fsync()s every regular file and folder under `folder`, and `folder` itself.
void sync_tree(const std::string& folder);

}  // namespace calmon::record_tool
