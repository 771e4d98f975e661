// The admin console of the real shubbak-portal over HTTPS, on a SQLite file and on a private
// PostgreSQL database: refused without a session, sign-in with secure cookies, a forged CSRF
// token refused, lockout after repeated failures, roles, a kiosk going from green to red when its
// heartbeats stop, values from kiosks escaped, and every action in the audit log.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/portal/console/console_fixture.hpp"
#include "tests/support/private_postgres.hpp"

using namespace shubbak;
using namespace shubbak::testing;

namespace {

portal_protocol::Heartbeat heartbeat(const std::string& kiosk_id) {
  portal_protocol::Heartbeat h;
  h.kiosk_id = kiosk_id;
  h.version = "1.4.0";
  h.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
  h.uptime_s = 3600;
  h.queue_depth = 2;
  h.audit_head_hash = std::string(64, '0');
  h.devices = {{"printer", "online"},
               {"card_reader", "card-present"},
               {"card_reader.last_failure", "timeout"}};
  return h;
}

// The state the board shows for `kiosk`, or "" when it is not on the board.
std::string board_state(const std::string& board, const std::string& kiosk) {
  return text_after(board, "data-kiosk=\"" + kiosk + "\" data-state=\"",
                    "abcdefghijklmnopqrstuvwxyz")
      .value_or("");
}

void exercise_console(ConsoleFixture& console) {
  INFO("portal log: " << console.log());

  // No page but sign-in without a session.
  for (const char* page : {"/", "/audit", "/tokens", "/kiosk?id=kiosk-7", "/no-such-page"}) {
    auto reply = console.request("GET", page);
    CHECK_MESSAGE(reply.status == 303, page);
    CHECK(reply.location == "/sign-in");
  }
  CHECK(console.request("POST", "/tokens", {}, "kiosk_id=kiosk-9").status == 401);
  CHECK(console.request("POST", "/sign-out").status == 401);
  CHECK(console.request("GET", "/", std::string(64, 'a')).status == 303);  // a made-up session
  auto sign_in_page = console.request("GET", "/sign-in");
  CHECK(sign_in_page.status == 200);
  CHECK(sign_in_page.body.find("dir=\"rtl\"") != std::string::npos);
  CHECK(sign_in_page.raw.find("Content-Security-Policy: default-src 'none'") != std::string::npos);

  // The sign-in form carries a token of its own, bound to a cookie: without both, or with a
  // token for another cookie, even the right password is refused (login CSRF).
  std::string good_form = "user=amal&password=" + ConsoleFixture::url_encode(k_operator_password);
  CHECK(console.request("POST", "/sign-in", {}, good_form).status == 403);
  std::string page_token = ConsoleFixture::csrf_of(sign_in_page.body);
  REQUIRE(page_token.size() == 64);
  CHECK(console.request("POST", "/sign-in", {}, good_form + "&csrf=" + page_token).status == 403);
  CHECK(console
            .request("POST", "/sign-in", {}, good_form + "&csrf=" + page_token,
                     "__Host-shubbak-sign-in=" + std::string(64, 'a'))
            .status == 403);

  // A wrong password, an unknown user.
  CHECK(console.sign_in("amal", "not the password").status == 401);
  CHECK(console.sign_in("nobody-here", "whatever").status == 401);

  // Sign-in: a session cookie that is Secure, HttpOnly and SameSite=Strict.
  auto signed_in = console.sign_in("amal", k_operator_password);
  REQUIRE(signed_in.status == 303);
  CHECK(signed_in.location == "/");
  REQUIRE(signed_in.set_cookies.size() == 2);  // the session's, and the sign-in one cleared
  const std::string& cookie = signed_in.set_cookies[0];
  CHECK(cookie.starts_with("__Host-shubbak-session="));
  CHECK(signed_in.set_cookies[1].starts_with("__Host-shubbak-sign-in=;"));
  CHECK(cookie.find("; Secure") != std::string::npos);
  CHECK(cookie.find("; HttpOnly") != std::string::npos);
  CHECK(cookie.find("; SameSite=Strict") != std::string::npos);
  std::string session = ConsoleFixture::session_of(signed_in);
  REQUIRE(session.size() == 64);

  // A kiosk that heartbeats is green; another that reports out of service, with a reason full of
  // markup, is red and its reason is escaped.
  CHECK(console.send_heartbeat(heartbeat("kiosk-7")) == 204);
  auto broken = heartbeat("kiosk-8");
  broken.out_of_service = "printer <b>empty</b> & \"jammed\"";
  broken.devices = {{"printer", "media-empty"}};
  broken.quarantined = 1;
  CHECK(console.send_heartbeat(broken) == 204);
  auto board = console.request("GET", "/", session);
  REQUIRE(board.status == 200);
  CHECK(board.body.find("dir=\"rtl\"") != std::string::npos);
  CHECK(board.body.find("http-equiv=\"refresh\"") != std::string::npos);
  CHECK(board_state(board.body, "kiosk-7") == "green");
  CHECK(board_state(board.body, "kiosk-8") == "red");
  CHECK(board.body.find("<script") == std::string::npos);
  auto page8 = console.request("GET", "/kiosk?id=kiosk-8&lang=en", session);
  REQUIRE(page8.status == 200);
  CHECK(page8.body.find("dir=\"ltr\"") != std::string::npos);
  CHECK(page8.body.find("printer &lt;b&gt;empty&lt;/b&gt; &amp; &quot;jammed&quot;") !=
        std::string::npos);
  CHECK(page8.body.find("<b>empty") == std::string::npos);
  CHECK(page8.body.find("media-empty") != std::string::npos);
  CHECK(page8.raw.find("Set-Cookie: __Host-shubbak-lang=en") != std::string::npos);
  auto page7 = console.request("GET", "/kiosk?id=kiosk-7", session);
  CHECK(page7.status == 200);
  CHECK(page7.body.find("1.4.0") != std::string::npos);
  CHECK(console.request("GET", "/kiosk?id=kiosk-99", session).status == 404);

  // Filters: by state and by version.
  auto reds = console.request("GET", "/?state=red", session);
  CHECK(board_state(reds.body, "kiosk-8") == "red");
  CHECK(board_state(reds.body, "kiosk-7").empty());
  auto other_version = console.request("GET", "/?version=9.9.9", session);
  CHECK(board_state(other_version.body, "kiosk-7").empty());

  // The heartbeats stop: kiosk-7 turns red once the threshold (4 s; room for a loaded machine) has
  // passed.
  std::string state = "green";
  for (int i = 0; i < 80 && state != "red"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    state = board_state(console.request("GET", "/", session).body, "kiosk-7");
  }
  CHECK(state == "red");
  // A new heartbeat makes it green again.
  CHECK(console.send_heartbeat(heartbeat("kiosk-7")) == 204);
  CHECK(board_state(console.request("GET", "/", session).body, "kiosk-7") == "green");

  // CSRF: a POST without the session's token, or with a forged one, is refused.
  auto tokens_page = console.request("GET", "/tokens", session);
  REQUIRE(tokens_page.status == 200);
  std::string csrf = ConsoleFixture::csrf_of(tokens_page.body);
  REQUIRE(csrf.size() == 64);
  CHECK(console.request("POST", "/tokens", session, "kiosk_id=kiosk-9").status == 403);
  CHECK(console.request("POST", "/tokens", session, "kiosk_id=kiosk-9&csrf=" + std::string(64, '0'))
            .status == 403);

  // An operator issues an enrolment token; it is shown once.
  auto issued =
      console.request("POST", "/tokens", session, "kiosk_id=kiosk-9&hours=2&csrf=" + csrf);
  REQUIRE(issued.status == 200);
  auto token = text_after(issued.body, "id=\"token\">", "0123456789abcdef");
  REQUIRE(token);
  CHECK(token->size() == 32);
  CHECK(console.request("GET", "/tokens", session).body.find(*token) == std::string::npos);
  CHECK(console.request("POST", "/tokens", session, "kiosk_id=..%2F..&csrf=" + csrf).status == 400);

  // A viewer may look but not issue tokens.
  auto viewer = console.sign_in("badr", k_viewer_password);
  REQUIRE(viewer.status == 303);
  std::string viewer_session = ConsoleFixture::session_of(viewer);
  auto viewer_tokens = console.request("GET", "/tokens", viewer_session);
  CHECK(viewer_tokens.body.find("id=\"issue\"") == std::string::npos);
  std::string viewer_csrf = ConsoleFixture::csrf_of(viewer_tokens.body);
  REQUIRE(viewer_csrf.size() == 64);
  CHECK(viewer_csrf != csrf);
  CHECK(console.request("POST", "/tokens", viewer_session, "kiosk_id=kiosk-9&csrf=" + viewer_csrf)
            .status == 403);
  // One session's CSRF token is not another's.
  CHECK(
      console.request("POST", "/tokens", viewer_session, "kiosk_id=kiosk-9&csrf=" + csrf).status ==
      403);

  // Lockout: the fifth failure in a row locks the account; then even its password is refused.
  for (int i = 0; i < 4; ++i) CHECK(console.sign_in("badr", "wrong").status == 401);
  CHECK(console.sign_in("badr", "wrong").status == 429);
  CHECK(console.sign_in("badr", k_viewer_password).status == 429);
  // The session it had before stays valid (lockout is about guessing, not about sessions).
  CHECK(console.request("GET", "/", viewer_session).status == 200);

  // Sign-out ends the session.
  CHECK(console.request("POST", "/sign-out", viewer_session, "csrf=" + viewer_csrf).status == 303);
  CHECK(console.request("GET", "/", viewer_session).status == 303);

  // Every action is in the audit log.
  auto audit = console.request("GET", "/audit?lang=en", session);
  REQUIRE(audit.status == 200);
  for (const char* action : {"sign_in", "sign_in_failed", "sign_in_locked", "sign_out",
                             "token_issued", "token_refused", "csrf_refused"}) {
    CHECK_MESSAGE(
        audit.body.find(std::string("data-action=\"") + action + "\"") != std::string::npos,
        action);
  }
  CHECK(audit.body.find("kiosk-9") != std::string::npos);
  CHECK(audit.body.find("nobody-here") != std::string::npos);
  CHECK(audit.body.find(*token) == std::string::npos);  // the token itself is never logged
}

}  // namespace

TEST_CASE("the console on a SQLite file") {
  ConsoleFixture console;
  exercise_console(console);
}

TEST_CASE("the console on PostgreSQL") {
  PrivatePostgres postgres;
  ConsoleFixture console(postgres.create_database("console"));
  exercise_console(console);
}
