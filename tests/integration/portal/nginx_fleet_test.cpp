// The fleet shape on real servers: nginx (the shipped site configuration) ends the kiosks'
// mutual TLS in front of two shubbak-portal processes on one private PostgreSQL database. One
// portal is killed mid-load; the kiosks resend what was not acknowledged, and every transaction
// is stored exactly once. The gateway's trust is attacked too: forged identity headers from a
// client, and a certificate of another CA straight on a portal's socket.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "kiosk/net/https_client.hpp"
#include "provisioning/portal/postgres.hpp"
#include "tests/integration/portal/signed_records.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/private_nginx.hpp"
#include "tests/support/private_postgres.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

// The site directory nginx's configuration points at, and the portals behind it.
class Fleet {
 public:
  explicit Fleet(int portals)
      : m_pki(m_dir.path(), "kiosk"), m_db(m_postgres.create_database("fleet")) {
    // The names the shipped configuration uses: server.pem, server.key, kiosk-ca.pem.
    CertFiles server = m_pki.issue_server("server");
    REQUIRE(server.cert == m_dir / "server.pem");
    REQUIRE(server.key == m_dir / "server.key");
    REQUIRE(m_pki.ca_cert() == m_dir / "kiosk-ca.pem");
    for (int n = 1; n <= portals; ++n) start_portal(n);
    m_nginx = std::make_unique<PrivateNginx>(NginxSite{
        m_dir.path(), fs::path(SHUBBAK_SOURCE_DIR) / "provisioning/nginx/shubbak-portal.conf"});
  }

  void start_portal(int n) {
    fs::path out = m_dir / ("portal-" + std::to_string(n) + "-out");
    fs::create_directories(out);
    fs::path socket = m_dir / ("portal-" + std::to_string(n) + ".sock");
    auto& process = m_portals[n];
    process = std::make_unique<ChildProcess>(
        std::vector<std::string>{SHUBBAK_PORTAL_BIN, "--gateway-socket", socket.string(),
                                 "--client-ca", (m_dir / "kiosk-ca.pem").string(), "--db", m_db},
        out);
    for (int i = 0; i < 500; ++i) {
      if (process->stdout_text().find("gateway socket") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("portal " << n << " did not start: " << process->stderr_text());
  }

  void kill_portal(int n) {
    m_portals[n]->signal(SIGKILL);
    m_portals[n]->wait(std::chrono::seconds(5));
  }

  std::unique_ptr<HttpsClient> kiosk_client(const std::string& kiosk_id) {
    CertFiles cert = m_pki.issue_client(kiosk_id, kiosk_id);
    auto client = HttpsClient::create(TlsOptions{m_pki.ca_cert(), cert.cert, cert.key});
    REQUIRE(client);
    return std::move(*client);
  }

  std::int64_t stored(const std::string& sql) {
    auto db = postgres::Connection::connect(m_db);
    REQUIRE(db);
    auto rows = db->query(sql);
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().describe()));
    return rows->integer(0, 0);
  }

  std::string url() const { return m_nginx->url(); }
  const TempDir& dir() const { return m_dir; }
  TestPki& pki() { return m_pki; }
  std::string logs() const {
    std::string text = "nginx: " + m_nginx->log();
    for (const auto& [n, process] : m_portals)
      if (process) text += "\nportal " + std::to_string(n) + ": " + process->stderr_text();
    return text;
  }

 private:
  TempDir m_dir;
  PrivatePostgres m_postgres;
  TestPki m_pki;
  std::string m_db;
  std::map<int, std::unique_ptr<ChildProcess>> m_portals;
  std::unique_ptr<PrivateNginx> m_nginx;
};

std::string transactions_url(const Fleet& fleet) {
  return fleet.url() + std::string(portal_protocol::k_transactions_path);
}

TEST_CASE("nginx, two portals and PostgreSQL: a portal killed mid-load loses and doubles nothing") {
  Fleet fleet(2);
  constexpr int k_kiosks = 8;
  constexpr int k_batches = 25;
  constexpr int k_batch = 4;
  std::atomic<int> batches_done{0};
  std::atomic<int> resends{0};
  std::atomic<int> rejected{0};
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::vector<std::thread> kiosks;
  for (int k = 0; k < k_kiosks; ++k) {
    kiosks.emplace_back([&, k] {
      std::string kiosk_id = "kiosk-" + std::to_string(k);
      TempDir keys;
      auto key = DeviceKey::load_or_create(keys / "device.pem");
      auto client = fleet.kiosk_client(kiosk_id);
      for (int b = 0; b < k_batches; ++b) {
        std::vector<OutboxItem> items;
        for (int i = 0; i < k_batch; ++i)
          items.push_back(signed_item(**key, free_health_record(b * k_batch + i + 1, kiosk_id)));
        std::string body = batch_json(**key, items, kiosk_id);
        // A kiosk's outbox: the same batch again until the portal answers for every item.
        for (int attempt = 0; attempt < 50; ++attempt) {
          auto reply = client->post_json(transactions_url(fleet), body, std::chrono::seconds(10));
          if (reply && (reply->status == 200 || reply->status == 422)) {
            auto results = portal_protocol::decode_results(reply->body);
            if (results && results->size() == items.size()) {
              std::lock_guard lock(mutex);
              for (const auto& result : *results) {
                if (result.outcome == UploadOutcome::rejected) ++rejected;
                acknowledged.insert(result.id);
              }
              break;
            }
          }
          ++resends;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ++batches_done;
      }
    });
  }
  // Mid-load: portal 1 dies without a goodbye, with requests in flight.
  for (int i = 0; i < 1000 && batches_done.load() < k_kiosks * k_batches / 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  fleet.kill_portal(1);
  for (auto& kiosk : kiosks) kiosk.join();

  INFO(fleet.logs());
  constexpr int k_total = k_kiosks * k_batches * k_batch;
  CHECK(rejected.load() == 0);
  CHECK(acknowledged.size() == static_cast<std::size_t>(k_total));
  CHECK(fleet.stored("SELECT count(*) FROM transactions") == k_total);
  CHECK(fleet.stored("SELECT count(DISTINCT (kiosk_id, sequence)) FROM transactions") == k_total);
  MESSAGE("resends after the kill: " << resends.load());
}

TEST_CASE("the gateway's trust: headers forged by a client and a foreign certificate are refused") {
  Fleet fleet(1);
  auto transactions = transactions_url(fleet);
  TempDir keys;
  auto key = DeviceKey::load_or_create(keys / "device.pem");
  REQUIRE(key);
  std::string body =
      batch_json(**key, {signed_item(**key, free_health_record(1, "kiosk-7"))}, "kiosk-7");

  SUBCASE("a kiosk with its certificate is served through nginx") {
    auto reply =
        fleet.kiosk_client("kiosk-7")->post_json(transactions, body, std::chrono::seconds(10));
    REQUIRE(reply);
    CHECK(reply->status == 200);
  }
  SUBCASE("no certificate: refused, however the headers read") {
    auto client = HttpsClient::create(TlsOptions{fleet.pki().ca_cert(), {}, {}});
    REQUIRE(client);
    auto reply = (*client)->post_json(transactions, body, std::chrono::seconds(10));
    REQUIRE(reply);
    CHECK(reply->status == 403);
    CHECK(fleet.stored("SELECT count(*) FROM transactions") == 0);
  }
  SUBCASE("a certificate of another CA is refused by nginx") {
    fs::create_directories(fleet.dir() / "other");
    TestPki other(fleet.dir() / "other", "other");
    CertFiles stranger = other.issue_client("stranger", "kiosk-7");
    auto client =
        HttpsClient::create(TlsOptions{fleet.pki().ca_cert(), stranger.cert, stranger.key});
    REQUIRE(client);
    auto reply = (*client)->post_json(transactions, body, std::chrono::seconds(10));
    CHECK((!reply || reply->status == 400));
    CHECK(fleet.stored("SELECT count(*) FROM transactions") == 0);
  }
  SUBCASE("straight on the portal's socket, a forged SUCCESS with a foreign certificate") {
    fs::create_directories(fleet.dir() / "forger");
    TestPki other(fleet.dir() / "forger", "forger");
    CertFiles forged = other.issue_client("forged", "kiosk-7");
    std::string pem;
    {
      std::ifstream in(forged.cert);
      std::stringstream text;
      text << in.rdbuf();
      pem = text.str();
    }
    std::string escaped;
    for (char c : pem) {
      if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
        escaped += c;
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        escaped += hex;
      }
    }
    std::string request = "POST " + std::string(portal_protocol::k_transactions_path) +
                          " HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\n"
                          "X-Shubbak-Client-Verify: SUCCESS\r\nX-Shubbak-Client-Cert: " +
                          escaped + "\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\nConnection: close\r\n\r\n" + body;
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = (fleet.dir() / "portal-1.sock").string();
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size()));
    std::string reply;
    char buffer[4096];
    for (int i = 0; i < 100; ++i) {
      ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      reply.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    CHECK(reply.starts_with("HTTP/1.1 403"));
    CHECK(reply.find("does not verify against the kiosk CA") != std::string::npos);
    CHECK(fleet.stored("SELECT count(*) FROM transactions") == 0);
  }
}

}  // namespace
