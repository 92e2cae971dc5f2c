// daemon_process.h — calmond as a child process: started, its ready line read, stopped.
//
// The child's stdout is a pipe carrying only the ready line, from which the endpoints
// are read; its stderr (the log) is inherited. stop() asks for a control shutdown,
// waits, and falls back to SIGTERM and then SIGKILL if it does not exit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "daemon_control.h"

namespace calmon::bench {

struct DaemonEndpoints {
  std::string ingest, publish, control;
  std::string http;  // the dashboard's URL, "" without one
};

class DaemonProcess {
 public:
  // Starts `path` with `arguments`; throws if it exits or prints no ready line in time.
  // `curve`: the client keys stop() uses on the control socket.
  DaemonProcess(const std::string& path, const std::vector<std::string>& arguments,
                std::chrono::milliseconds ready_deadline, Curve curve);
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  pid_t pid() const { return pid_; }
  const DaemonEndpoints& endpoints() const { return endpoints_; }

  // Sends `shutdown` on the control socket and waits; returns the exit status (-1: killed).
  int stop(std::chrono::milliseconds deadline);

 private:
  bool wait_for_exit(std::chrono::milliseconds deadline);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int exit_status_ = -1;
  DaemonEndpoints endpoints_;
  Curve curve_;
};

}  // namespace calmon::bench
