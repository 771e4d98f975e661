// Who a request speaks for, on the real portal: a kiosk id is checked by the one rule wherever
// it comes from (a certificate's CN, a request body, an enrolment token), and a device key is
// pinned only at enrolment or by a batch that stores at least one record signed with it.
#include <doctest/doctest.h>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/sync/outbox_uploader.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/integration/portal/signed_records.hpp"
#include "tests/integration/portal/upload_wait.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;

namespace {

std::string heartbeat_for(const std::string& kiosk_id) {
  portal_protocol::Heartbeat h;
  h.kiosk_id = kiosk_id;
  h.version = "1.4.0";
  h.boot_id = "b";
  return portal_protocol::encode_heartbeat(h);
}

}  // namespace

TEST_CASE("a certificate whose CN is not a valid kiosk id speaks for no one, on any path") {
  PortalFixture portal;
  portal.dir().write("repository/timestamp.json", "{}");
  StoreFixture kiosk;
  for (const std::string& cn :
       std::vector<std::string>{"../../etc/x';--", "kiosk/7", "kiosk 7", "-kiosk"}) {
    CAPTURE(cn);
    auto hostile = portal.pki().issue_client("hostile", cn);
    auto client = portal.client(TlsOptions{portal.pki().ca_cert(), hostile.cert, hostile.key});
    auto beat = client->post_json(portal.url() + "/api/v1/heartbeat", heartbeat_for(cn),
                                  std::chrono::seconds(10));
    REQUIRE_MESSAGE(beat, (beat ? "" : beat.error().describe()));
    CHECK(beat->status == 403);
    CHECK(beat->body.find("the client certificate's CN is not a valid kiosk id") !=
          std::string::npos);
    auto record = free_health_record(1);
    auto batch = client->post_json(portal.url() + "/api/v1/transactions",
                                   batch_json(kiosk.key(), {signed_item(kiosk.key(), record)}, cn),
                                   std::chrono::seconds(10));
    REQUIRE(batch);
    CHECK(batch->status == 403);
    auto file =
        client->get(portal.url() + "/repository/timestamp.json", 4096, std::chrono::seconds(10));
    REQUIRE(file);
    CHECK(file->status == 403);
  }
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats") == 0);
  CHECK(portal.stored_transactions() == 0);
  CHECK(portal.query_int("SELECT count(*) FROM kiosks") == 0);
}

TEST_CASE("enrolment tokens are only issued for valid kiosk ids") {
  TempDir dir;
  ChildProcess refused({SHUBBAK_PORTAL_BIN, "issue-token", "--db", (dir / "portal.db").string(),
                        "--kiosk-id", "../../etc/x';--"},
                       dir.path());
  CHECK(refused.wait(std::chrono::seconds(30)) == 1);
  CHECK(refused.stderr_text().find("is not a valid kiosk id") != std::string::npos);
  CHECK(refused.stdout_text().empty());
}

TEST_CASE("an empty or unsigned batch pins no device key and does not lock the real kiosk out") {
  PortalFixture portal;
  // Someone holds a certificate for a kiosk id the portal has never seen, but not its device key.
  auto stolen = portal.pki().issue_client("kiosk-9", "kiosk-9");
  auto intruder = portal.client(TlsOptions{portal.pki().ca_cert(), stolen.cert, stolen.key});
  StoreFixture intruder_keys;
  auto url = portal.url() + std::string(portal_protocol::k_transactions_path);

  auto empty = intruder->post_json(url, batch_json(intruder_keys.key(), {}, "kiosk-9"),
                                   std::chrono::seconds(10));
  REQUIRE(empty);
  CHECK(empty->status == 400);
  // Records whose signatures do not verify under the offered key store nothing: no pin either.
  StoreFixture other;
  auto forged = signed_item(other.key(), free_health_record(1, "kiosk-9"));
  auto unsigned_batch = intruder->post_json(
      url, batch_json(intruder_keys.key(), {forged}, "kiosk-9"), std::chrono::seconds(10));
  REQUIRE(unsigned_batch);
  CHECK(unsigned_batch->status == 422);
  // Nor do records the portal refuses for their content.
  auto bad = free_health_record(2, "kiosk-9");
  bad.sequence = -1;
  auto refused = intruder->post_json(
      url, batch_json(intruder_keys.key(), {signed_item(intruder_keys.key(), bad)}, "kiosk-9"),
      std::chrono::seconds(10));
  REQUIRE(refused);
  CHECK(refused->status == 422);
  CHECK(portal.query_int("SELECT count(*) FROM kiosks WHERE kiosk_id = 'kiosk-9'") == 0);

  // The real kiosk-9 uploads with its own key: accepted, and its key is the one pinned.
  StoreFixture real;
  auto options = real.options();
  options.kiosk_id = "kiosk-9";
  auto store = real.open(options);
  for (int i = 0; i < 3; ++i) REQUIRE(store->commit(sample_draft(i)));
  auto upload = fast_upload_options(portal.url());
  upload.kiosk_id = "kiosk-9";
  auto uploader = OutboxUploader::start(
      upload, *store, real.key(),
      portal.client(TlsOptions{portal.pki().ca_cert(), stolen.cert, stolen.key}),
      Log(real.logger(), "upload"));
  REQUIRE(uploader);
  REQUIRE(wait_until_drained(*store, std::chrono::seconds(20)));
  (*uploader)->stop();
  CHECK(store->quarantined()->empty());
  CHECK(portal.stored_transactions() == 3);
  CHECK(
      portal.query_int("SELECT count(*) FROM kiosks WHERE kiosk_id = 'kiosk-9' AND device_key = '" +
                       base64_encode(real.key().public_key()) + "'") == 1);

  // From now on the intruder's key is refused, even with records it signed itself.
  auto late = intruder->post_json(
      url,
      batch_json(intruder_keys.key(),
                 {signed_item(intruder_keys.key(), free_health_record(50, "kiosk-9"))}, "kiosk-9"),
      std::chrono::seconds(10));
  REQUIRE(late);
  CHECK(late->status == 422);
  CHECK(late->body.find("device key differs") != std::string::npos);
  CHECK(portal.stored_transactions() == 3);
}
