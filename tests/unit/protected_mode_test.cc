// protected_mode_test.cc — calmond refuses to bind beyond loopback without CURVE, or to
// open its dashboard there without a token, naming what is exposed and the flags that fix
// it; --allow-unprotected turns the refusal into a warning; CURVE, a dashboard token,
// loopback, ipc:// and a SUB ingest (connected) are fine.
#include <gtest/gtest.h>

#include <string>

#include "daemon/protected_mode.h"

namespace calmon::daemon {
namespace {

DaemonSettings loopback_settings() { return DaemonSettings{}; }  // the defaults: 127.0.0.1

void expect_contains(const std::string& line, const std::string& part) {
  EXPECT_NE(line.find(part), std::string::npos) << line << "\nexpected: " << part;
}

TEST(ProtectedMode, TheDefaultsAreLoopbackAndFine) {
  const ProtectedMode verdict = check_protected_mode(loopback_settings());
  EXPECT_FALSE(verdict.refuse);
  EXPECT_EQ(verdict.line, "");
}

TEST(ProtectedMode, LocalTransportsAreFine) {
  DaemonSettings settings;
  settings.ingest = "ipc:///tmp/calmond-ingest";
  settings.publish = "inproc://results";
  settings.control = "tcp://[::1]:5572";
  EXPECT_EQ(check_protected_mode(settings).line, "");
}

TEST(ProtectedMode, ABindBeyondLoopbackWithoutCurveIsRefusedWithOneLine) {
  for (const char* endpoint : {"tcp://*:5571", "tcp://0.0.0.0:5571", "tcp://[::]:5571", "tcp://192.168.1.10:5571",
                               "tcp://eth0:5571", "tcp://rig-pc:5571"}) {
    DaemonSettings settings;
    settings.publish = endpoint;
    const ProtectedMode verdict = check_protected_mode(settings);
    EXPECT_TRUE(verdict.refuse) << endpoint;
    EXPECT_EQ(verdict.line.find('\n'), std::string::npos);
    EXPECT_EQ(verdict.line.rfind("protected mode: ", 0), 0u) << verdict.line;
    expect_contains(verdict.line, std::string("(publish at ") + endpoint + ")");
    expect_contains(verdict.line, "--curve-secret-key FILE --curve-authorized-keys DIR");
    expect_contains(verdict.line, "--allow-unprotected");
  }
}

TEST(ProtectedMode, EveryExposedSocketIsNamed) {
  DaemonSettings settings;
  settings.ingest = "tcp://*:5570";
  settings.control = "tcp://10.0.0.2:5572";
  const ProtectedMode verdict = check_protected_mode(settings);
  EXPECT_TRUE(verdict.refuse);
  expect_contains(verdict.line, "(ingest at tcp://*:5570, control at tcp://10.0.0.2:5572)");
}

TEST(ProtectedMode, AllowUnprotectedMakesItAWarning) {
  DaemonSettings settings;
  settings.ingest = "tcp://*:5570";
  settings.allow_unprotected = true;
  const ProtectedMode verdict = check_protected_mode(settings);
  EXPECT_FALSE(verdict.refuse);
  EXPECT_EQ(verdict.line.rfind("warning: --allow-unprotected: ", 0), 0u) << verdict.line;
  expect_contains(verdict.line, "(ingest at tcp://*:5570)");
}

TEST(ProtectedMode, CurveProtectsEverySocket) {
  DaemonSettings settings;
  settings.ingest = settings.publish = settings.control = "tcp://*:0";
  settings.curve_keys = net::CurveKeyPair{"public", "secret"};
  EXPECT_EQ(check_protected_mode(settings).line, "");
}

TEST(ProtectedMode, ASubIngestConnectsAndIsNotABind) {
  DaemonSettings settings;
  settings.ingest = "tcp://rig-pc:5570";
  settings.ingest_mode = DaemonSettings::IngestMode::kSub;
  EXPECT_EQ(check_protected_mode(settings).line, "");
}

TEST(ProtectedMode, ADashboardOnTheNetworkNeedsItsToken) {
  for (const char* address : {"0.0.0.0:8080", "[::]:8080", "10.0.0.5:8080", "scope1:8080"}) {
    DaemonSettings settings;
    settings.http = address;
    settings.http_token_mode = DaemonSettings::HttpTokenMode::kNone;
    const ProtectedMode refused = check_protected_mode(settings);
    EXPECT_TRUE(refused.refuse) << address;
    expect_contains(refused.line, std::string("the dashboard at ") + address);
    expect_contains(refused.line, "--http-token auto");
    expect_contains(refused.line, "--allow-unprotected");
    settings.allow_unprotected = true;
    EXPECT_FALSE(check_protected_mode(settings).refuse) << address;
    settings.allow_unprotected = false;
    settings.http_token_mode = DaemonSettings::HttpTokenMode::kAuto;  // a token is made
    EXPECT_EQ(check_protected_mode(settings).line, "") << address;
  }
  for (const char* address : {"127.0.0.1:8080", "localhost:0", "[::1]:8080"}) {
    DaemonSettings settings;
    settings.http = address;
    settings.http_token_mode = DaemonSettings::HttpTokenMode::kNone;
    EXPECT_EQ(check_protected_mode(settings).line, "") << address;
  }
}

TEST(ProtectedMode, SocketsAndDashboardAreNamedInOneLine) {
  DaemonSettings settings;
  settings.publish = "tcp://*:5571";
  settings.http = "0.0.0.0:8080";
  settings.http_token_mode = DaemonSettings::HttpTokenMode::kNone;
  const ProtectedMode verdict = check_protected_mode(settings);
  EXPECT_TRUE(verdict.refuse);
  EXPECT_EQ(verdict.line.find('\n'), std::string::npos);
  expect_contains(verdict.line, "publish at tcp://*:5571");
  expect_contains(verdict.line, "the dashboard at 0.0.0.0:8080");
  expect_contains(verdict.line, "--curve-secret-key FILE --curve-authorized-keys DIR");
  expect_contains(verdict.line, "--http-token auto");
}

}  // namespace
}  // namespace calmon::daemon
