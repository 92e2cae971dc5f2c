// http_access_test.cc — who may use the dashboard: loopback hosts, the names a
// dashboard answers to, Host and Origin checks, the token in its three places.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/http_access.h"
#include "net/loopback.h"

namespace calmon::daemon {
namespace {

TEST(LoopbackHost, OnlyLocalhostAnd127Slash8AndColonColon1) {
  for (const char* host :
       {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(net::is_loopback_host(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "[::]", "10.0.0.5", "128.0.0.1", "localhost.example", "vm", "",
                           "2130706433", "127.0.0.1.evil.example", "::2", "::ffff:10.0.0.1"}) {
    EXPECT_FALSE(net::is_loopback_host(host)) << host;
  }
}

TEST(HttpAccess, CanonicalHostsCompareAddressesByValue) {
  EXPECT_EQ(canonical_host("LOCALHOST"), "localhost");
  EXPECT_EQ(canonical_host("[0:0::1]"), "::1");
  EXPECT_EQ(canonical_host("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(canonical_host("[FE80::A]"), "fe80::a");
}

TEST(HttpAccess, HostHeadersSplitIntoHostAndPort) {
  const auto plain = parse_host_header("Example.org");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->host, "example.org");
  EXPECT_FALSE(plain->port);
  const auto v4 = parse_host_header("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  const auto v6 = parse_host_header("[::1]:80");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 80);
  for (const char* bad : {"", ":80", "host:", "host:x", "host:65536", "[::1", "[::1]x", "[]:80", "a:1:2"}) {
    EXPECT_FALSE(parse_host_header(bad)) << bad;
  }
}

TEST(HttpAccess, LoopbackDashboardAnswersToLoopbackNamesOnly) {
  const auto names = dashboard_host_names("127.0.0.1", "127.0.0.1", {}, {});
  EXPECT_EQ(names, (std::vector<std::string>{"127.0.0.1", "::1", "localhost"}));
  const std::vector<std::string> extra{"Lab-PC.example"};
  const auto with_extra = dashboard_host_names("localhost", "127.0.0.2", {}, extra);
  EXPECT_EQ(with_extra, (std::vector<std::string>{"127.0.0.1", "127.0.0.2", "::1", "lab-pc.example", "localhost"}));
}

TEST(HttpAccess, AddressDashboardAnswersToThatAddressAndItsConfiguredName) {
  EXPECT_EQ(dashboard_host_names("10.0.0.5", "10.0.0.5", {}, {}), (std::vector<std::string>{"10.0.0.5"}));
  EXPECT_EQ(dashboard_host_names("scope1", "10.0.0.5", {}, {}), (std::vector<std::string>{"10.0.0.5", "scope1"}));
}

TEST(HttpAccess, WildcardDashboardAnswersToTheMachinesNames) {
  const std::vector<std::string> machine{"vm", "127.0.0.1", "10.0.0.5", "::1", "fe80::1"};
  EXPECT_EQ(dashboard_host_names("0.0.0.0", "0.0.0.0", machine, {}),
            (std::vector<std::string>{"10.0.0.5", "127.0.0.1", "::1", "fe80::1", "localhost", "vm"}));
  EXPECT_EQ(dashboard_host_names("::", "::", machine, {}).size(), 6u) << "the wildcard itself is no name";
}

class Access : public ::testing::Test {
 protected:
  static HttpRequestFacts get(std::string_view host, std::string_view target = "/") {
    return {.host = host, .origin = {}, .authorization = {}, .cookie = {}, .target = target};
  }
  static HttpRequestFacts upgrade(std::string_view host, std::optional<std::string_view> origin,
                                  std::string_view target = "/ws") {
    return {
        .host = host, .origin = origin, .authorization = {}, .cookie = {}, .target = target, .websocket_upgrade = true};
  }
  const HttpAccess open_{dashboard_host_names("127.0.0.1", "127.0.0.1", {}, {}), 8080, ""};
  const HttpAccess locked_{dashboard_host_names("0.0.0.0", "0.0.0.0", std::vector<std::string>{"10.0.0.5"}, {}), 8080,
                           "0123abcd"};
};

TEST_F(Access, HostMustNameTheDashboardAndItsPort) {
  for (const char* host : {"127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080", "127.0.0.1"}) {
    EXPECT_FALSE(open_.check(get(host)).refused) << host;
  }
  for (const char* host : {"evil.example", "evil.example:8080", "127.0.0.1:8081", "10.0.0.5:8080", "", "127.0.0.1:"}) {
    const HttpAccessVerdict verdict = open_.check(get(host));
    EXPECT_EQ(verdict.refused, HttpRefusal::kHost) << host;
    EXPECT_EQ(verdict.why.find('\n'), std::string::npos);
  }
  HttpRequestFacts no_host = get("");
  no_host.host.reset();
  EXPECT_EQ(open_.check(no_host).refused, HttpRefusal::kHost);
  EXPECT_NE(open_.check(get("evil.example:8080")).why.find("evil.example"), std::string::npos);
}

TEST_F(Access, WebSocketOriginMustBeTheDashboardsOwnPage) {
  EXPECT_FALSE(open_.check(upgrade("127.0.0.1:8080", "http://127.0.0.1:8080")).refused);
  EXPECT_FALSE(open_.check(upgrade("127.0.0.1:8080", "http://localhost:8080")).refused);
  EXPECT_FALSE(open_.check(upgrade("127.0.0.1:8080", std::nullopt)).refused) << "no Origin: not a browser page";
  for (const char* origin : {"http://evil.example", "http://evil.example:8080", "https://127.0.0.1:8080",
                             "http://127.0.0.1:8081", "http://127.0.0.1", "null", "", "http://127.0.0.1:8080.evil"}) {
    EXPECT_EQ(open_.check(upgrade("127.0.0.1:8080", origin)).refused, HttpRefusal::kOrigin) << origin;
  }
  // A plain GET is not a WebSocket: its Origin does not matter (the page cannot read the reply).
  HttpRequestFacts request = get("127.0.0.1:8080");
  request.origin = "http://evil.example";
  EXPECT_FALSE(open_.check(request).refused);
  // Port 80 is left out of an Origin.
  const HttpAccess on_80(dashboard_host_names("127.0.0.1", "127.0.0.1", {}, {}), 80, "");
  EXPECT_FALSE(on_80.check(upgrade("localhost", "http://localhost")).refused);
}

TEST_F(Access, WithoutATokenNothingElseIsAsked) {
  const HttpAccessVerdict verdict = open_.check(get("127.0.0.1:8080"));
  EXPECT_FALSE(verdict.refused);
  EXPECT_FALSE(verdict.set_cookie);
}

TEST_F(Access, ATokenIsTakenFromTheQueryAHeaderOrTheCookie) {
  EXPECT_EQ(locked_.check(get("10.0.0.5:8080")).refused, HttpRefusal::kToken);
  EXPECT_EQ(locked_.check(get("10.0.0.5:8080", "/?token=0123abce")).refused, HttpRefusal::kToken);
  EXPECT_EQ(locked_.check(get("10.0.0.5:8080", "/?token=0123abc")).refused, HttpRefusal::kToken);
  EXPECT_EQ(locked_.check(get("10.0.0.5:8080", "/?token=0123abcdX")).refused, HttpRefusal::kToken);
  EXPECT_EQ(locked_.check(get("10.0.0.5:8080", "/?xtoken=0123abcd")).refused, HttpRefusal::kToken);

  const HttpAccessVerdict query = locked_.check(get("10.0.0.5:8080", "/?a=1&token=0123abcd"));
  EXPECT_FALSE(query.refused);
  EXPECT_TRUE(query.set_cookie) << "the page's module files load with the cookie";
  EXPECT_EQ(locked_.token_cookie(), "calmon-token-8080=0123abcd; HttpOnly; SameSite=Strict; Path=/");

  HttpRequestFacts bearer = get("10.0.0.5:8080", "/app.js");
  bearer.authorization = "Bearer 0123abcd";
  EXPECT_FALSE(locked_.check(bearer).refused);
  bearer.authorization = "Basic 0123abcd";
  EXPECT_EQ(locked_.check(bearer).refused, HttpRefusal::kToken);

  HttpRequestFacts cookie = get("10.0.0.5:8080", "/app.js");
  cookie.cookie = "theme=dark; calmon-token-8080=0123abcd";
  const HttpAccessVerdict by_cookie = locked_.check(cookie);
  EXPECT_FALSE(by_cookie.refused);
  EXPECT_FALSE(by_cookie.set_cookie) << "it has the cookie already";
  cookie.cookie = "calmon-token-8081=0123abcd";  // another dashboard's on this machine
  EXPECT_EQ(locked_.check(cookie).refused, HttpRefusal::kToken);

  // The token is asked for after Host and Origin: a foreign page is refused even with it.
  EXPECT_EQ(locked_.check(get("evil.example:8080", "/?token=0123abcd")).refused, HttpRefusal::kHost);
  EXPECT_EQ(locked_.check(upgrade("10.0.0.5:8080", "http://evil.example", "/ws?token=0123abcd")).refused,
            HttpRefusal::kOrigin);
  EXPECT_FALSE(locked_.check(upgrade("10.0.0.5:8080", "http://10.0.0.5:8080", "/ws?token=0123abcd")).refused);
  EXPECT_EQ(locked_.check(get("10.0.0.5:8080")).why.find("0123abcd"), std::string::npos);
}

TEST(HttpAccessUrl, TheTokenGoesIntoTheQuery) {
  EXPECT_EQ(url_with_token("http://10.0.0.5:8080/", "abc"), "http://10.0.0.5:8080/?token=abc");
  EXPECT_EQ(url_with_token("http://127.0.0.1:8080/", ""), "http://127.0.0.1:8080/");
}

}  // namespace
}  // namespace calmon::daemon
