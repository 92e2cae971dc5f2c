// process_cpu.h — the CPU time a process has used so far, from /proc/<pid>/stat.
//
// utime + stime (fields 14 and 15: user and system time of all its threads), in seconds.
// Their resolution is the kernel's clock tick (sysconf(_SC_CLK_TCK), 10 ms at 100 Hz), so
// a difference of two readings means something over a run of seconds, not per frame.
#pragma once

#include <sys/types.h>

namespace calmon::bench {

// Seconds of CPU the process has used; -1 if it is gone or /proc cannot be read.
double process_cpu_seconds(pid_t pid);

}  // namespace calmon::bench
