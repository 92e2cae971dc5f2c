// process_cpu.cc — parsing /proc/<pid>/stat: the fields after the command name.
#include "process_cpu.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace calmon::bench {

double process_cpu_seconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(file, stat)) return -1.0;
  // "pid (comm) state ppid ...": the command name may hold spaces and parentheses, so the
  // fields are counted from the last ')'. After it come field 3 (state) onwards.
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1.0;
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  double utime = 0, stime = 0;
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) utime = std::stod(field);
    if (number == 15) stime = std::stod(field);
  }
  if (!fields) return -1.0;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace calmon::bench
