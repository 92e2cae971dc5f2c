// request_preparer.cc — the preparing thread and its eventfd; see the header.
#include "daemon/request_preparer.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <exception>
#include <system_error>

#include "core/error.h"
#include "daemon/roi_set_preparation.h"

namespace calmon::daemon {

void prepare_rois_of(ParsedRequest& request, const pb::Config& defaults, const config::RoiLimits& limits,
                     std::optional<FrameGeometry> geometry, const RoiSetBase& base) {
  request.prepared_rois.reset();
  request.prepare_error.clear();
  if (!request.error.empty() || !changes_roi_set(request.request)) return;
  request.prepared_for = geometry;
  request.prepared_base = base.layout;
  try {
    if (request.request.command_case() == pb::ControlRequest::kSetRois) {
      request.prepared_rois = prepare_roi_set(request.request.set_rois(), defaults, limits, geometry, base);
    } else {
      request.prepared_rois = prepare_roi_edit(request.request, defaults, limits, geometry, base);
    }
  } catch (const Error& e) {
    request.prepare_error = e.what();
  } catch (const std::bad_alloc&) {
    request.prepare_error = "the ROI set does not fit in memory";
  } catch (const std::exception& e) {
    request.prepare_error = std::string("internal error: ") + e.what();
  }
}

ParsedRequest prepare_control_request(std::string_view request, const pb::Config& defaults,
                                      const config::RoiLimits& limits, std::optional<FrameGeometry> geometry,
                                      const RoiSetBase& base) {
  std::optional<FrameShape> frame;
  if (geometry) frame = FrameShape{static_cast<int>(geometry->width), static_cast<int>(geometry->height)};
  ParsedRequest parsed = parse_control_request(request, frame);
  prepare_rois_of(parsed, defaults, limits, geometry, base);
  return parsed;
}

RequestPreparer::RequestPreparer(pb::Config defaults, config::RoiLimits limits)
    : defaults_(std::move(defaults)), limits_(limits), event_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (event_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  thread_ = std::thread([this] { run(); });
}

RequestPreparer::~RequestPreparer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  close(event_fd_);
}

void RequestPreparer::submit(zmq::message_t request, std::optional<FrameGeometry> geometry, RoiSetBase base) {
  Job job;
  job.bytes.emplace(std::move(request));
  job.geometry = geometry;
  job.base = std::move(base);
  start(std::move(job));
}

void RequestPreparer::submit_again(ParsedRequest request, std::optional<FrameGeometry> geometry, RoiSetBase base) {
  Job job;
  job.parsed.emplace(std::move(request));
  job.geometry = geometry;
  job.base = std::move(base);
  start(std::move(job));
}

void RequestPreparer::start(Job job) {
  busy_ = true;
  {
    std::lock_guard lock(mutex_);
    job_ = std::move(job);
  }
  wake_.notify_one();
}

std::optional<ParsedRequest> RequestPreparer::take() {
  std::uint64_t count = 0;
  if (read(event_fd_, &count, sizeof count) != static_cast<ssize_t>(sizeof count)) return std::nullopt;
  std::optional<ParsedRequest> ready;
  {
    std::lock_guard lock(mutex_);
    ready.swap(done_);
  }
  if (ready) busy_ = false;
  return ready;
}

void RequestPreparer::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || job_; });
      if (stop_) return;
      job = std::move(*job_);
      job_.reset();
    }
    ParsedRequest parsed;
    try {
      if (job.bytes) {
        parsed = prepare_control_request(job.bytes->to_string_view(), defaults_, limits_, job.geometry, job.base);
        job.bytes.reset();  // the request's bytes go before the answer is built
      } else {
        parsed = std::move(*job.parsed);
        prepare_rois_of(parsed, defaults_, limits_, job.geometry, job.base);
      }
    } catch (const std::exception& e) {  // out of memory parsing it, say: answered, not fatal
      parsed = ParsedRequest{};
      parsed.error = std::string("the request could not be read: ") + e.what();
    }
    {
      std::lock_guard lock(mutex_);
      done_ = std::move(parsed);
    }
    const std::uint64_t one = 1;
    (void)write(event_fd_, &one, sizeof one);
  }
}

}  // namespace calmon::daemon
