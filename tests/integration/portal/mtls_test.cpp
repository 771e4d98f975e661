// Mutual TLS between the kiosk's HTTPS client and the real portal: only a current certificate
// from the kiosk CA gets in, and the kiosk only talks to a portal its CA vouches for.
#include <doctest/doctest.h>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;

namespace {

std::string heartbeat_json(const std::string& kiosk_id) {
  portal_protocol::Heartbeat heartbeat;
  heartbeat.kiosk_id = kiosk_id;
  heartbeat.version = "test";
  heartbeat.boot_id = "b";
  heartbeat.audit_head_hash = "00";
  return portal_protocol::encode_heartbeat(heartbeat);
}

}  // namespace

TEST_CASE("mutual TLS: a valid kiosk certificate is accepted") {
  PortalFixture portal;
  auto response = portal.kiosk_client()->post_json(
      portal.url() + "/api/v1/heartbeat", heartbeat_json("kiosk-7"), std::chrono::seconds(10));
  REQUIRE_MESSAGE(response, (response ? "" : response.error().describe()));
  CHECK(response->status == 204);
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats") == 1);
}

TEST_CASE("mutual TLS: no client certificate, another CA's, or an expired one are refused") {
  PortalFixture portal;
  TestPki rogue(portal.dir().path(), "rogue");
  auto foreign = rogue.issue_client("foreign", "kiosk-7");
  auto expired = portal.pki().issue_client("expired", "kiosk-7", std::chrono::hours(-48),
                                           std::chrono::hours(-24));

  struct Case {
    const char* name;
    TlsOptions tls;
  };
  std::vector<Case> cases = {
      {"no client certificate", TlsOptions{portal.pki().ca_cert(), {}, {}}},
      {"certificate from another CA",
       TlsOptions{portal.pki().ca_cert(), foreign.cert, foreign.key}},
      {"expired certificate", TlsOptions{portal.pki().ca_cert(), expired.cert, expired.key}},
  };
  for (auto& c : cases) {
    INFO(c.name);
    auto response = portal.client(c.tls)->post_json(
        portal.url() + "/api/v1/heartbeat", heartbeat_json("kiosk-7"), std::chrono::seconds(10));
    CHECK_FALSE(response);
  }
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats") == 0);
}

TEST_CASE("mutual TLS: the kiosk refuses a portal its CA does not vouch for") {
  PortalFixture portal;
  TestPki rogue(portal.dir().path(), "rogue");
  auto client = portal.client(
      TlsOptions{rogue.ca_cert(), portal.client_cert().cert, portal.client_cert().key});
  auto response = client->post_json(portal.url() + "/api/v1/heartbeat", heartbeat_json("kiosk-7"),
                                    std::chrono::seconds(10));
  REQUIRE_FALSE(response);
  CHECK(response.error().code == Errc::integrity);
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats") == 0);
}

TEST_CASE("a kiosk certificate only speaks for its own kiosk id") {
  PortalFixture portal;
  StoreFixture kiosk;
  auto store = kiosk.open();
  REQUIRE(store->commit(sample_draft()));
  auto other = portal.pki().issue_client("kiosk-8", "kiosk-8");
  auto client = portal.client(TlsOptions{portal.pki().ca_cert(), other.cert, other.key});
  portal_protocol::Batch batch{"kiosk-7", base64_encode(kiosk.key().public_key()),
                               *store->next_batch(10)};
  auto response = client->post_json(portal.url() + "/api/v1/transactions",
                                    portal_protocol::encode_batch(batch), std::chrono::seconds(10));
  REQUIRE(response);
  CHECK(response->status == 422);
  auto results = portal_protocol::decode_results(response->body);
  REQUIRE(results);
  REQUIRE(results->size() == 1);
  CHECK(results->front().outcome == UploadOutcome::rejected);
  CHECK(portal.stored_transactions() == 0);
  auto heartbeat = client->post_json(portal.url() + "/api/v1/heartbeat", heartbeat_json("kiosk-7"),
                                     std::chrono::seconds(10));
  REQUIRE(heartbeat);
  CHECK(heartbeat->status == 403);
}

TEST_CASE("the portal serves the service repository as static files; GET respects its size limit") {
  PortalFixture portal;
  portal.dir().write("repository/timestamp.json",
                     R"({"signed":{"_type":"timestamp","version":7}})");
  auto client = portal.kiosk_client();
  auto small =
      client->get(portal.url() + "/repository/timestamp.json", 4096, std::chrono::seconds(10));
  REQUIRE_MESSAGE(small, (small ? "" : small.error().describe()));
  CHECK(small->status == 200);
  CHECK(small->body == R"({"signed":{"_type":"timestamp","version":7}})");
  auto too_big =
      client->get(portal.url() + "/repository/timestamp.json", 10, std::chrono::seconds(10));
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().message.find("larger than 10 bytes") != std::string::npos);
  auto missing =
      client->get(portal.url() + "/repository/nothing.json", 4096, std::chrono::seconds(10));
  REQUIRE_MESSAGE(missing, (missing ? "" : missing.error().describe()));
  CHECK(missing->status == 404);
  // Plain HTTP is never spoken.
  auto plain =
      client->get("http://127.0.0.1:1/repository/timestamp.json", 4096, std::chrono::seconds(1));
  REQUIRE_FALSE(plain);
  CHECK(plain.error().code == Errc::config);
}

TEST_CASE("the portal refuses to serve a directory that holds a private key") {
  PortalFixture portal;  // a clean repository directory is served (the fixture started)
  const auto& dir = portal.dir();
  auto server = portal.pki().issue_server("second");
  for (const auto& [file, pem] : std::vector<std::pair<std::string, std::string>>{
           {"served/ca.key", "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n"},
           {"served/keys/deep/server.key",
            "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n"}}) {
    CAPTURE(file);
    std::filesystem::remove_all(dir / "served");
    std::filesystem::create_directories((dir / file).parent_path());
    dir.write("served/metadata/root.json", R"({"signed":{}})");
    dir.write(file, std::string(100'000, ' ') + pem);  // past the first read
    testing::ChildProcess refused(
        {SHUBBAK_PORTAL_BIN, "--port", "0", "--cert", server.cert.string(), "--key",
         server.key.string(), "--client-ca", portal.pki().ca_cert().string(), "--db",
         (dir / "refused.db").string(), "--static", (dir / "served").string()},
        dir / "portal-out");
    CHECK(refused.wait(std::chrono::seconds(20)) == 1);
    std::string err = refused.stderr_text();
    CAPTURE(err);
    CHECK(err.find("refusing to serve " + (dir / "served").string() + ": " + (dir / file).string() +
                   " holds a private key") != std::string::npos);
  }
}
