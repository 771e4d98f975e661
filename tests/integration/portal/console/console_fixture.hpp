// The real shubbak-portal with its admin console, on loopback, over a SQLite file or a private
// PostgreSQL database, enrolling kiosks: a throw-away CA, a server certificate, client certificates
// for kiosks "kiosk-7" and "kiosk-8", admin accounts made with `shubbak-portal admin add` (operator
// "amal", viewer "badr"), and a small HTTPS client for the console that speaks raw HTTP/1.1 and
// keeps the Set-Cookie, Location and body of each reply.
#pragma once

#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/net/https_client.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/raw_tls_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/text_scan.hpp"

namespace shubbak::testing {

inline constexpr const char* k_operator_password = "نافذة-Shubbak 2026";
inline constexpr const char* k_viewer_password = "viewer password 9";

struct ConsoleReply {
  int status = 0;
  std::string location;
  std::vector<std::string> set_cookies;
  std::string body;
  std::string raw;
};

class ConsoleFixture {
 public:
  // `database`: a PostgreSQL URI, or empty for a SQLite file in the test's directory;
  // `extra_arguments` are given to the portal after the others.
  explicit ConsoleFixture(std::string database = {}, int offline_seconds = 4,
                          std::vector<std::string> extra_arguments = {})
      : m_pki(m_dir.path(), "console-test"),
        m_server(m_pki.issue_server("server")),
        m_kiosk7(m_pki.issue_client("kiosk-7", "kiosk-7")),
        m_kiosk8(m_pki.issue_client("kiosk-8", "kiosk-8")),
        m_database(database.empty() ? (m_dir / "portal.db").string() : std::move(database)) {
    add_admin("amal", "operator", k_operator_password);
    add_admin("badr", "viewer", k_viewer_password);
    std::filesystem::create_directories(m_dir / "portal-out");
    std::vector<std::string> arguments{SHUBBAK_PORTAL_BIN,
                                       "--port",
                                       "0",
                                       "--console-port",
                                       "0",
                                       "--console-offline-seconds",
                                       std::to_string(offline_seconds),
                                       "--console-refresh-seconds",
                                       "2",
                                       "--cert",
                                       m_server.cert.string(),
                                       "--key",
                                       m_server.key.string(),
                                       "--client-ca",
                                       m_pki.ca_cert().string(),
                                       "--client-ca-key",
                                       m_pki.ca_key().string(),
                                       "--db",
                                       m_database};
    arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
    m_process = std::make_unique<ChildProcess>(arguments, m_dir / "portal-out");
    for (int i = 0; i < 1000; ++i) {
      std::string out = m_process->stdout_text();
      auto api = text_after(out, "listening on https://127.0.0.1:", k_digits);
      auto console = text_after(out, "console on https://127.0.0.1:", k_digits);
      if (api && console) {
        m_api_url = "https://127.0.0.1:" + *api;
        m_console_port = std::stoi(*console);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("portal did not start: " << m_process->stderr_text());
  }
  ~ConsoleFixture() {
    if (!m_process) return;
    m_process->signal(SIGTERM);
    m_process->wait(std::chrono::seconds(10));
  }

  int console_port() const { return m_console_port; }
  const std::filesystem::path& ca_cert() const { return m_pki.ca_cert(); }
  const std::filesystem::path& ca_key() const { return m_pki.ca_key(); }
  const std::string& api_url() const { return m_api_url; }
  const TempDir& dir() const { return m_dir; }
  std::string log() const { return m_process ? m_process->stderr_text() : std::string(); }

  // One request on a fresh TLS connection to the console.
  ConsoleReply request(const std::string& method, const std::string& target,
                       const std::string& session = {}, const std::string& form = {},
                       const std::string& other_cookies = {},
                       const std::string& content_type = "application/x-www-form-urlencoded") {
    RawTlsOptions options;
    options.port = m_console_port;
    options.ca_file = m_pki.ca_cert();
    std::string error;
    auto client = RawTlsClient::connect(options, error);
    REQUIRE_MESSAGE(client, error);
    REQUIRE_MESSAGE(client->handshake(std::chrono::seconds(10), error), error);
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    std::string cookies = session.empty() ? other_cookies : "__Host-shubbak-session=" + session;
    if (!session.empty() && !other_cookies.empty()) cookies += "; " + other_cookies;
    if (!cookies.empty()) text += "Cookie: " + cookies + "\r\n";
    if (method == "POST") {
      text += "Content-Type: " + content_type +
              "\r\nContent-Length: " + std::to_string(form.size()) + "\r\n";
    }
    text += "Connection: close\r\n\r\n" + form;
    REQUIRE(client->send(text));
    ConsoleReply reply;
    reply.raw = client->read_response(std::chrono::seconds(20));
    reply.status = RawTlsClient::status_of(reply.raw);
    auto head_end = reply.raw.find("\r\n\r\n");
    std::string head = reply.raw.substr(0, head_end);
    reply.body = head_end == std::string::npos ? std::string() : reply.raw.substr(head_end + 4);
    std::size_t at = 0;
    while ((at = head.find("\r\n", at)) != std::string::npos) {
      at += 2;
      auto end = head.find("\r\n", at);
      std::string line = head.substr(at, end == std::string::npos ? end : end - at);
      if (line.starts_with("Location: ")) reply.location = line.substr(10);
      if (line.starts_with("Set-Cookie: ")) reply.set_cookies.push_back(line.substr(12));
    }
    return reply;
  }

  // Signs in as a browser does: the sign-in page first, for its sign-in cookie and token; returns
  // the reply to the POST (the session id is in session_of()).
  ConsoleReply sign_in(const std::string& user, const std::string& password) {
    auto page = request("GET", "/sign-in");
    REQUIRE(page.status == 200);
    std::string nonce;
    for (const auto& cookie : page.set_cookies) {
      if (auto value = text_after(cookie, "__Host-shubbak-sign-in=", "0123456789abcdef"))
        nonce = *value;
    }
    REQUIRE(nonce.size() == 64);
    return request("POST", "/sign-in", {},
                   "user=" + url_encode(user) + "&password=" + url_encode(password) +
                       "&csrf=" + csrf_of(page.body),
                   "__Host-shubbak-sign-in=" + nonce);
  }
  static std::string session_of(const ConsoleReply& reply) {
    for (const auto& cookie : reply.set_cookies) {
      if (auto id = text_after(cookie, "__Host-shubbak-session=", "0123456789abcdef")) return *id;
    }
    return {};
  }
  // The CSRF token in a page's forms.
  static std::string csrf_of(const std::string& page) {
    return text_after(page, "name=\"csrf\" value=\"", "0123456789abcdef").value_or("");
  }

  // A heartbeat from `kiosk` ("kiosk-7" or "kiosk-8") over mutual TLS; returns the HTTP status.
  long send_heartbeat(const portal_protocol::Heartbeat& heartbeat) {
    const CertFiles& cert = heartbeat.kiosk_id == "kiosk-8" ? m_kiosk8 : m_kiosk7;
    auto client = HttpsClient::create(TlsOptions{m_pki.ca_cert(), cert.cert, cert.key});
    REQUIRE(client);
    auto reply = (*client)->post_json(m_api_url + std::string(portal_protocol::k_heartbeat_path),
                                      portal_protocol::encode_heartbeat(heartbeat),
                                      std::chrono::seconds(10));
    REQUIRE_MESSAGE(reply, (reply ? "" : reply.error().describe()));
    return reply->status;
  }

  // A multipart/form-data POST, as a browser sends a form with a file: `fields` by name, and
  // `file_content` (when not empty) as the file field `file_field`.
  ConsoleReply post_multipart(const std::string& target, const std::string& session,
                              const std::vector<std::pair<std::string, std::string>>& fields,
                              const std::string& file_field = {},
                              const std::string& file_content = {}) {
    const std::string boundary = "----shubbak-console-test-7b1d";
    std::string body;
    for (const auto& [name, value] : fields) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
              "\"\r\n\r\n" + value + "\r\n";
    }
    if (!file_field.empty()) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file_field +
              "\"; filename=\"receipt.png\"\r\nContent-Type: image/png\r\n\r\n" + file_content +
              "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return request("POST", target, session, body, {}, "multipart/form-data; boundary=" + boundary);
  }

  // A batch of transactions from kiosk-7 over mutual TLS; returns the reply's body (the results:
  // 200 when every item was stored, 422 when some were refused).
  std::string upload_batch(const std::string& batch_json) {
    auto client = HttpsClient::create(TlsOptions{m_pki.ca_cert(), m_kiosk7.cert, m_kiosk7.key});
    REQUIRE(client);
    auto reply = (*client)->post_json(m_api_url + std::string(portal_protocol::k_transactions_path),
                                      batch_json, std::chrono::seconds(10));
    REQUIRE_MESSAGE(reply, (reply ? "" : reply.error().describe()));
    REQUIRE((reply->status == 200 || reply->status == 422));
    return reply->body;
  }

  static std::string url_encode(const std::string& text) {
    std::string out;
    for (char raw : text) {
      auto c = static_cast<unsigned char>(raw);
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out += static_cast<char>(c);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        out += hex;
      }
    }
    return out;
  }

 private:
  void add_admin(const std::string& user, const std::string& role, const std::string& password) {
    auto input = m_dir / ("password-" + user);
    std::ofstream(input) << password << "\n";
    auto out = m_dir / ("admin-" + user);
    std::filesystem::create_directories(out);
    ChildProcess admin(
        {SHUBBAK_PORTAL_BIN, "admin", "add", "--db", m_database, "--user", user, "--role", role},
        out, {}, input);
    auto code = admin.wait(std::chrono::seconds(30));
    REQUIRE_MESSAGE(code == 0, admin.stderr_text());
    // A password given on stdin is never printed.
    CHECK(admin.stdout_text().empty());
  }

  TempDir m_dir;
  TestPki m_pki;
  CertFiles m_server;
  CertFiles m_kiosk7;
  CertFiles m_kiosk8;
  std::string m_database;
  std::unique_ptr<ChildProcess> m_process;
  std::string m_api_url;
  int m_console_port = 0;
};

}  // namespace shubbak::testing
