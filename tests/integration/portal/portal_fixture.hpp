// The real shubbak-portal binary on loopback with a throw-away CA: a server certificate for
// 127.0.0.1, a client certificate for kiosk "kiosk-7", and helpers to read what it stored.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/net/https_client.hpp"
#include "kiosk/store/sqlite.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/text_scan.hpp"

namespace shubbak::testing {

class PortalFixture {
 public:
  explicit PortalFixture(std::vector<std::string> extra_args = {})
      : m_pki(m_dir.path(), "portal-test"),
        m_server(m_pki.issue_server("server")),
        m_client(m_pki.issue_client("kiosk-7", "kiosk-7")) {
    std::filesystem::create_directories(m_dir / "repository");
    std::filesystem::create_directories(m_dir / "portal-out");
    start(std::move(extra_args));
  }
  ~PortalFixture() { stop(); }

  void start(std::vector<std::string> extra_args = {}) {
    bool port_given = std::find(extra_args.begin(), extra_args.end(), "--port") != extra_args.end();
    std::vector<std::string> args = {SHUBBAK_PORTAL_BIN,
                                     "--port",
                                     port_given ? extra_args[1] : "0",
                                     "--cert",
                                     m_server.cert.string(),
                                     "--key",
                                     m_server.key.string(),
                                     "--client-ca",
                                     m_pki.ca_cert().string(),
                                     "--db",
                                     (m_dir / "portal.db").string(),
                                     "--static",
                                     (m_dir / "repository").string()};
    args.insert(args.end(), extra_args.begin() + (port_given ? 2 : 0), extra_args.end());
    m_process = std::make_unique<ChildProcess>(args, m_dir / "portal-out");
    for (int i = 0; i < 500; ++i) {
      std::string out = m_process->stdout_text();
      if (auto port =
              testing::text_after(out, "listening on https://127.0.0.1:", testing::k_digits)) {
        m_url = "https://127.0.0.1:" + *port;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("portal did not start: " << m_process->stderr_text());
  }

  void stop() {
    if (!m_process) return;
    m_process->signal(SIGTERM);
    m_process->wait(std::chrono::seconds(10));
    m_process.reset();
  }

  const std::string& url() const { return m_url; }
  TestPki& pki() { return m_pki; }
  const CertFiles& client_cert() const { return m_client; }
  TlsOptions kiosk_tls() const { return TlsOptions{m_pki.ca_cert(), m_client.cert, m_client.key}; }
  const TempDir& dir() const { return m_dir; }
  std::string log() const { return m_process ? m_process->stderr_text() : std::string(); }

  std::unique_ptr<HttpsClient> client(TlsOptions tls) {
    auto created = HttpsClient::create(std::move(tls));
    REQUIRE_MESSAGE(created, (created ? "" : created.error().describe()));
    return std::move(*created);
  }
  std::unique_ptr<HttpsClient> kiosk_client() { return client(kiosk_tls()); }

  // Reads the portal's own SQLite file (it is WAL, so reading while it runs is fine).
  std::int64_t query_int(const std::string& sql) {
    auto db = sqlite::Database::open(m_dir / "portal.db", SQLITE_OPEN_READONLY);
    REQUIRE(db);
    auto value = db->query_int(sql);
    REQUIRE_MESSAGE(value, (value ? "" : value.error().message));
    return *value;
  }
  std::int64_t stored_transactions() { return query_int("SELECT count(*) FROM transactions"); }

 private:
  TempDir m_dir;
  TestPki m_pki;
  CertFiles m_server;
  CertFiles m_client;
  std::unique_ptr<ChildProcess> m_process;
  std::string m_url;
};

}  // namespace shubbak::testing
