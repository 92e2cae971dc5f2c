// log_line.h — calmond's log: one line per event on stderr, time-stamped.
//
// stdout carries only the ready line (tests and scripts parse it); everything else is
// a line on stderr, "calmond HH:MM:SS.mmm: <event>". A line is written with a single
// fwrite, which stdio locks, so lines from the pipeline and Asio threads never
// interleave.
#pragma once

#include <string>

namespace calmon::daemon {

void log_line(const std::string& line);

}  // namespace calmon::daemon
