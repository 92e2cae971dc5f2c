// control_fuzzer.cc — libFuzzer harness: control requests, binary and JSON, answered by
// calmond's session logic.
//
// The control socket (and the dashboard's WebSocket) hands calmond one request per
// message from anyone who can connect (daemon/control_request.h). The input is one such
// request; it is answered by a real StreamAnalyzer (fuzz_session.h) three times, as each
// state of a session gives a command a different path: before any frame, during a
// session (between frames, so a new ROI set is used by the frames after it), and after
// the end of stream. The session's own frames go on between the answers, so a ROI set,
// reset or shutdown the request made is lived with. Every reply must decode in the
// request's encoding and say either ok or why not.
//
// Seeds (tests/fuzz/corpus/control, made by make_corpus.py): every command in both
// encodings, ROI sets of every shape, neuropil and baseline, and invalid ones.
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/control_request.h"
#include "daemon/stream_analyzer.h"
#include "fuzz_session.h"

namespace {

using namespace calmon;

void check_reply(const std::string& reply, bool json) {
  pb::ControlReply message;
  const bool decoded =
      json ? google::protobuf::util::JsonStringToMessage(reply, &message).ok() : message.ParseFromString(reply);
  if (!decoded || message.ok() == !message.error().empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view request(reinterpret_cast<const char*>(data), size);
  const bool json = !request.empty() && request.front() == '{';
  fuzz::SerializingPublisher publisher;
  const daemon::DaemonSettings settings = fuzz::session_settings();
  daemon::StreamAnalyzer analyzer(settings, publisher, fuzz::discard_log);
  std::uint64_t sequence = 0;
  const auto stream = [&](int frames) {
    for (int i = 0; i < frames && !analyzer.shutdown_requested(); ++i) {
      ++sequence;
      std::vector<zmq::message_t> parts = fuzz::frame_message(sequence, static_cast<std::uint32_t>(sequence));
      analyzer.on_ingest_message(parts, static_cast<std::int64_t>(sequence) * 1'000'000);
    }
  };

  check_reply(daemon::answer_control_request(request, analyzer), json);  // no session yet
  stream(3);
  check_reply(daemon::answer_control_request(request, analyzer), json);  // in a session
  stream(3);
  analyzer.on_status_tick();
  analyzer.on_snapshot_tick();
  std::vector<zmq::message_t> end = fuzz::end_of_stream_message(++sequence);
  analyzer.on_ingest_message(end, static_cast<std::int64_t>(sequence) * 1'000'000);
  check_reply(daemon::answer_control_request(request, analyzer), json);  // between sessions
  stream(2);  // the next session starts with whatever set the request left
  return 0;
}
