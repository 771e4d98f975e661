// `shubbakctl kiosk provision` against the real shubbak-portal on loopback TLS: a kiosk CA and
// server certificate made at test time, a one-time token from `shubbak-portal issue-token`, a
// TUF root made by the repository library, and the real shubbakctl as a child process.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/config.hpp"
#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/crypto/tls_client_key.hpp"
#include "kiosk/store/sqlite.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "provisioning/shubbakctl/repository.hpp"
#include "tests/integration/portal/portal_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

namespace {

constexpr auto k_limit = std::chrono::seconds(30);

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

struct Run {
  int exit_code = -1;
  std::string out, err;
};

// The portal with enrolment on (the kiosk CA's key given), and a TUF root to install.
class ProvisioningWorld {
 public:
  ProvisioningWorld() {
    m_portal.stop();
    m_portal.start({"--client-ca-key", (m_portal.dir() / "portal-test-ca.key").string()});
    auto repository = repo::Repository::init(m_dir / "repo", m_dir / "admin-keys", {});
    REQUIRE_MESSAGE(repository, (repository ? "" : repository.error().describe()));
    m_root = m_dir / "repo" / "metadata" / "root.json";
    REQUIRE(fs::exists(m_root));
    // One service, published where the portal serves the repository: the self-test checks it.
    fs::path bundle =
        std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/jordan.health.appointment.json";
    REQUIRE(repository->add_target("services/jordan-health/appointment.json", bundle, "targets"));
    REQUIRE(repository->commit());
    REQUIRE(repository->publish(m_portal.dir() / "repository"));
  }

  std::string issue_token(const std::string& kiosk_id) {
    auto run = execute({SHUBBAK_PORTAL_BIN, "issue-token", "--db",
                        (m_portal.dir() / "portal.db").string(), "--kiosk-id", kiosk_id});
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    std::string token = run.out.substr(0, run.out.find('\n'));
    REQUIRE(token.size() == 32);
    return token;
  }

  std::vector<std::string> provision_args(const std::string& kiosk_id, const std::string& token,
                                          const fs::path& kiosk_dir, const fs::path& root) {
    return {SHUBBAK_CTL_BIN,
            "kiosk",
            "provision",
            "--kiosk-id",
            kiosk_id,
            "--site",
            "Test hall",
            "--portal",
            m_portal.url(),
            "--ca-file",
            m_portal.pki().ca_cert().string(),
            "--token",
            token,
            "--root",
            root.string(),
            "--data-dir",
            (kiosk_dir / "data").string(),
            "--config",
            (kiosk_dir / "kiosk.toml").string()};
  }

  Run provision(const std::string& kiosk_id, const std::string& token, const fs::path& kiosk_dir,
                std::optional<fs::path> root = std::nullopt) {
    auto args = provision_args(kiosk_id, token, kiosk_dir, root.value_or(m_root));
    args.push_back("--yes");
    return execute(args);
  }

  Run execute(std::vector<std::string> args) {
    fs::path out = m_dir / ("run-" + std::to_string(++m_runs));
    fs::create_directories(out);
    ChildProcess child(std::move(args), out);
    auto code = child.wait(k_limit);
    return Run{code.value_or(-1), child.stdout_text(), child.stderr_text()};
  }

  PortalFixture& portal() { return m_portal; }
  const fs::path& root() const { return m_root; }
  fs::path path(const std::string& name) const { return m_dir / name; }

 private:
  PortalFixture m_portal;
  TempDir m_dir;
  fs::path m_root;
  int m_runs = 0;
};

// Whether the first certificate in `chain_file` verifies against `ca_file` alone, and its CN.
std::pair<bool, std::string> verify_leaf(const fs::path& chain_file, const fs::path& ca_file) {
  std::FILE* f = std::fopen(chain_file.c_str(), "rb");
  REQUIRE(f != nullptr);
  X509* leaf = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  REQUIRE(leaf != nullptr);
  X509_STORE* store = X509_STORE_new();
  REQUIRE(X509_STORE_load_file(store, ca_file.c_str()) == 1);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
  bool verified = X509_verify_cert(ctx) == 1;
  char cn[256] = {};
  int length =
      X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn, sizeof cn);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(leaf);
  return {verified, std::string(cn, length > 0 ? static_cast<std::size_t>(length) : 0)};
}

std::string pinned_device_key(PortalFixture& portal, const std::string& kiosk_id) {
  auto db = sqlite::Database::open(portal.dir() / "portal.db", SQLITE_OPEN_READONLY);
  REQUIRE(db);
  auto select = db->prepare("SELECT device_key FROM kiosks WHERE kiosk_id = ?");
  REQUIRE(select);
  auto row = select->bind(1, kiosk_id).step();
  REQUIRE(row);
  return *row ? select->column_text(0) : std::string();
}

}  // namespace

TEST_CASE("a technician provisions a kiosk: keys, certificate, root, kiosk.toml, self-test") {
  ProvisioningWorld world;
  std::string token = world.issue_token("kiosk-21");
  fs::path kiosk = world.path("kiosk-21");
  auto run = world.provision("kiosk-21", token, kiosk);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  REQUIRE(run.exit_code == 0);

  // Private keys made here, 0600, never sent: the portal only saw the public halves.
  fs::path data = kiosk / "data";
  CHECK(mode_of(data / "device-key.pem") == 0600);
  CHECK(mode_of(data / "kiosk-tls.key") == 0600);
  CHECK(mode_of(data) == 0700);
  // The certificate is for this kiosk and chains to the kiosk CA (the portal's client CA).
  auto [verified, cn] = verify_leaf(data / "kiosk-tls.pem", world.portal().pki().ca_cert());
  CHECK(verified);
  CHECK(cn == "kiosk-21");
  // The installed root is byte for byte the one given; its fingerprint was shown.
  CHECK(read_file(data / "root.json") == read_file(world.root()));
  CHECK(run.out.find(to_hex(sha256(read_file(world.root())))) != std::string::npos);

  auto config = load_config(kiosk / "kiosk.toml");
  REQUIRE_MESSAGE(config, (config ? "" : config.error().describe()));
  CHECK(config->kiosk.id == "kiosk-21");
  CHECK(config->kiosk.data_dir == fs::absolute(data).lexically_normal());
  CHECK(config->portal.url == world.portal().url());
  CHECK(config->portal.client_cert == data / "kiosk-tls.pem");
  CHECK(config->updates.client_key == data / "kiosk-tls.key");
  CHECK(config->updates.trusted_root == data / "root.json");
  CHECK(config->updates.metadata_url == world.portal().url() + "/repository/metadata");

  // The self-test ran every check and each passed; its heartbeat reached the portal.
  for (const char* check :
       {"config", "device-key", "store", "printer", "payment", "portal", "updates"})
    CHECK(run.out.find(std::string("PASS ") + check) != std::string::npos);
  // The repository was fetched and verified over mutual TLS from the installed root.
  CHECK(run.out.find("metadata verified from " + world.portal().url() +
                     "/repository/metadata: 1 service bundle(s)") != std::string::npos);
  CHECK(run.out.find("FAIL") == std::string::npos);
  CHECK(world.portal().query_int("SELECT count(*) FROM heartbeats WHERE kiosk_id = 'kiosk-21'") ==
        1);
  CHECK(fs::exists(data / "journal.db"));
  // The device key was pinned at enrolment.
  auto device_key = DeviceKey::load(data / "device-key.pem");
  REQUIRE(device_key);
  CHECK(pinned_device_key(world.portal(), "kiosk-21") ==
        base64_encode((*device_key)->public_key()));

  // The token is spent: a second provision with it is refused, and says why.
  auto again = world.provision("kiosk-21", token, world.path("kiosk-21-again"));
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("already used") != std::string::npos);
  CHECK(again.err.find("403") != std::string::npos);
  CHECK_FALSE(fs::exists(world.path("kiosk-21-again") / "kiosk.toml"));
}

TEST_CASE("wrong tokens and tampered roots are refused, and a refusal spends nothing") {
  ProvisioningWorld world;
  std::string token = world.issue_token("kiosk-31");

  SUBCASE("a token that was never issued") {
    auto run = world.provision("kiosk-31", "0123456789abcdef0123456789abcdef", world.path("k1"));
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("unknown to this portal") != std::string::npos);
    CHECK_FALSE(fs::exists(world.path("k1") / "data" / "kiosk-tls.pem"));
  }
  SUBCASE("another kiosk's token") {
    auto run = world.provision("kiosk-32", token, world.path("k2"));
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("issued for kiosk id \"kiosk-31\", not \"kiosk-32\"") != std::string::npos);
  }
  SUBCASE("a root whose signed part was changed after signing") {
    auto root = nlohmann::json::parse(read_file(world.root()));
    root["signed"]["consistent_snapshot"] = !root["signed"]["consistent_snapshot"].get<bool>();
    fs::path tampered = world.path("tampered-root.json");
    std::ofstream(tampered) << root.dump();
    auto run = world.provision("kiosk-31", token, world.path("k3"), tampered);
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("trusted root") != std::string::npos);
    CHECK(run.err.find("refused") != std::string::npos);
    // Nothing was made or enrolled before the root was accepted.
    CHECK_FALSE(fs::exists(world.path("k3") / "data"));
  }
  SUBCASE("a fingerprint the technician does not confirm") {
    auto args = world.provision_args("kiosk-31", token, world.path("k4"), world.root());
    std::string command;
    for (const auto& a : args) command += "'" + a + "' ";
    auto run = world.execute({"/bin/sh", "-c", "echo 00000000 | " + command});
    CHECK(run.exit_code == 1);
    CHECK(run.out.find("type its first 8") != std::string::npos);
    CHECK(run.err.find("not confirmed") != std::string::npos);
    CHECK_FALSE(fs::exists(world.path("k4") / "data"));
  }
  SUBCASE("a certificate request for another kiosk id (straight to the portal)") {
    TempDir keys;
    auto key = TlsClientKey::load_or_create(keys / "tls.key");
    REQUIRE(key);
    auto device = DeviceKey::load_or_create(keys / "device.pem");
    REQUIRE(device);
    nlohmann::json request = {{"kiosk_id", "kiosk-31"},
                              {"token", token},
                              {"csr_pem", *(*key)->certificate_request("kiosk-99")},
                              {"device_public_key", base64_encode((*device)->public_key())}};
    auto client = world.portal().client(TlsOptions{world.portal().pki().ca_cert(), {}, {}});
    auto response = client->post_json(world.portal().url() + "/api/v1/enroll", request.dump(),
                                      std::chrono::seconds(10));
    REQUIRE(response);
    CHECK(response->status == 403);
    CHECK(response->body.find("kiosk-99") != std::string::npos);
  }
  SUBCASE("an expired token") {
    {
      auto db = sqlite::Database::open(world.portal().dir() / "portal.db", SQLITE_OPEN_READWRITE);
      REQUIRE(db);
      REQUIRE(db->exec("UPDATE enrolment_tokens SET expires_ms = 1"));
    }
    auto run = world.provision("kiosk-31", token, world.path("k5"));
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("expired") != std::string::npos);
    return;  // this token is dead for good; nothing below applies
  }
  // After any of the refusals above, the real token still enrols the real kiosk.
  auto run = world.provision("kiosk-31", token, world.path("good"));
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.exit_code == 0);
}

TEST_CASE("with enrolment on, only the enrolment path is open without a client certificate") {
  ProvisioningWorld world;
  auto anonymous = world.portal().client(TlsOptions{world.portal().pki().ca_cert(), {}, {}});
  portal_protocol::Heartbeat heartbeat;
  heartbeat.kiosk_id = "kiosk-7";
  heartbeat.version = "test";
  heartbeat.boot_id = "b";
  heartbeat.audit_head_hash = "00";
  auto refused =
      anonymous->post_json(world.portal().url() + "/api/v1/heartbeat",
                           portal_protocol::encode_heartbeat(heartbeat), std::chrono::seconds(10));
  REQUIRE(refused);
  CHECK(refused->status == 403);
  auto repository =
      anonymous->get(world.portal().url() + "/repository/anything", 4096, std::chrono::seconds(10));
  REQUIRE(repository);
  CHECK(repository->status == 403);
  // A certificate from another CA still fails the handshake.
  TestPki rogue(world.path(""), "rogue");
  auto foreign = rogue.issue_client("foreign", "kiosk-7");
  auto rogue_client =
      world.portal().client(TlsOptions{world.portal().pki().ca_cert(), foreign.cert, foreign.key});
  CHECK_FALSE(rogue_client->post_json(world.portal().url() + "/api/v1/heartbeat",
                                      portal_protocol::encode_heartbeat(heartbeat),
                                      std::chrono::seconds(10)));
  // The kiosk's own certificate gets in.
  auto kiosk = world.portal().kiosk_client();
  auto accepted =
      kiosk->post_json(world.portal().url() + "/api/v1/heartbeat",
                       portal_protocol::encode_heartbeat(heartbeat), std::chrono::seconds(10));
  REQUIRE(accepted);
  CHECK(accepted->status == 204);
  CHECK(world.portal().query_int("SELECT count(*) FROM heartbeats") == 1);
}

TEST_CASE("configured first, enrolled second: provisioning keeps every other line and asks first") {
  ProvisioningWorld world;
  fs::path kiosk = world.path("kiosk-41");
  fs::create_directories(kiosk);
  const std::string before =
      "# Hall 3, by the door: set up by the technician before enrolment\n"
      "[kiosk]\n"
      "id = \"kiosk-41\"   # as painted on the case\n"
      "language = \"en\"\n"
      "data_dir = \"/srv/elsewhere\"\n"
      "\n"
      "[display]\n"
      "rotation = 90\n"
      "\n"
      "[locale]\n"
      "digits = \"arabic-indic\"\n";
  fs::path config_path = kiosk / "kiosk.toml";
  std::ofstream(config_path) << before;
  fs::permissions(config_path, fs::perms::owner_read | fs::perms::owner_write |
                                   fs::perms::group_read);  // 0640, the technician's choice

  // It keeps its journal elsewhere than where it is enrolled now: a question for the technician.
  // Nothing changes and the token is not spent.
  std::string token = world.issue_token("kiosk-41");
  auto refused = world.provision("kiosk-41", token, kiosk);
  INFO("stdout: " << refused.out << "\nstderr: " << refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("[kiosk] data_dir is \"/srv/elsewhere\"; provisioning sets \"" +
                         (kiosk / "data").string() + "\"") != std::string::npos);
  CHECK(refused.err.find("--force") != std::string::npos);
  CHECK(read_file(config_path) == before);
  CHECK_FALSE(fs::exists(kiosk / "data" / "kiosk-tls.pem"));

  // --force: the installed keys change, every other line stays, the old file is kept.
  auto args = world.provision_args("kiosk-41", token, kiosk, world.root());
  args.push_back("--yes");
  args.push_back("--force");
  auto run = world.execute(args);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  std::string after = read_file(config_path);
  for (const char* kept : {"# Hall 3, by the door: set up by the technician before enrolment\n",
                           "id = \"kiosk-41\"   # as painted on the case\n", "language = \"en\"\n",
                           "rotation = 90\n", "digits = \"arabic-indic\"\n"}) {
    CHECK(after.find(kept) != std::string::npos);
  }
  CHECK(read_file(kiosk / "kiosk.toml.before-provision") == before);
  CHECK(mode_of(config_path) == 0640);
  auto config = load_config(config_path);
  REQUIRE_MESSAGE(config, (config ? "" : config.error().describe()));
  CHECK(config->kiosk.language == Language::en);
  CHECK(config->display.rotation == 90);
  CHECK(config->locale.native_digits);
  CHECK(config->kiosk.data_dir == kiosk / "data");
  CHECK(config->portal.url == world.portal().url());
  CHECK(config->portal.client_cert == kiosk / "data" / "kiosk-tls.pem");
  CHECK(config->updates.trusted_root == kiosk / "data" / "root.json");
  CHECK(config->updates.metadata_url == world.portal().url() + "/repository/metadata");
}

TEST_CASE("the self-test fails, with the reason, when the kiosk could not use the repository") {
  ProvisioningWorld world;
  SUBCASE("the portal serves no repository") {
    fs::remove_all(world.portal().dir() / "repository" / "metadata");
    auto run = world.provision("kiosk-51", world.issue_token("kiosk-51"), world.path("k1"));
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.exit_code == 1);
    CHECK(run.out.find("FAIL updates") != std::string::npos);
    CHECK(run.out.find("the service repository cannot be used") != std::string::npos);
    CHECK(run.out.find("HTTP 404") != std::string::npos);
    CHECK(run.out.find("PASS portal") != std::string::npos);  // the portal itself answers
  }
  SUBCASE("the repository verifies but offers no service") {
    auto repository = repo::Repository::open(world.path("repo"), world.path("admin-keys"));
    REQUIRE(repository);
    REQUIRE(repository->remove_target("services/jordan-health/appointment.json", "targets"));
    REQUIRE(repository->commit());
    REQUIRE(repository->publish(world.portal().dir() / "repository"));
    auto run = world.provision("kiosk-52", world.issue_token("kiosk-52"), world.path("k2"));
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.exit_code == 1);
    CHECK(run.out.find("FAIL updates") != std::string::npos);
    CHECK(run.out.find("offers no service") != std::string::npos);
  }
  SUBCASE("a root other than the repository's") {
    auto other = repo::Repository::init(world.path("other-repo"), world.path("other-keys"), {});
    REQUIRE(other);
    auto run = world.provision("kiosk-53", world.issue_token("kiosk-53"), world.path("k3"),
                               world.path("other-repo") / "metadata" / "root.json");
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.exit_code == 1);
    CHECK(run.out.find("FAIL updates") != std::string::npos);
    CHECK(run.out.find("timestamp") != std::string::npos);  // the role that did not verify
  }
}

TEST_CASE("enrolment failures name their real cause") {
  ProvisioningWorld world;
  SUBCASE("a CA file that did not sign the portal's certificate") {
    TestPki rogue(world.path(""), "rogue");
    auto args = world.provision_args("kiosk-61", world.issue_token("kiosk-61"), world.path("k1"),
                                     world.root());
    args[10] = rogue.ca_cert().string();  // --ca-file
    args.push_back("--yes");
    auto run = world.execute(args);
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("the portal's server certificate is not signed by the CA in " +
                       rogue.ca_cert().string()) != std::string::npos);
    CHECK(run.err.find("cannot reach") == std::string::npos);
  }
  SUBCASE("a portal with enrolment off") {
    std::string token = world.issue_token("kiosk-62");
    world.portal().stop();
    world.portal().start();  // without --client-ca-key
    auto run = world.provision("kiosk-62", token, world.path("k2"));
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("enrolment is switched off at this portal") != std::string::npos);
    CHECK(run.err.find("--client-ca-key") != std::string::npos);
    CHECK(run.err.find("cannot reach") == std::string::npos);
  }
  SUBCASE("nothing listens at the portal's address: that, and only that, is unreachable") {
    std::string token = world.issue_token("kiosk-65");
    world.portal().stop();
    auto run = world.provision("kiosk-65", token, world.path("k5"));
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("cannot reach the portal") != std::string::npos);
    CHECK(run.err.find("enrolment is switched off") == std::string::npos);
    world.portal().start(
        {"--client-ca-key", (world.portal().dir() / "portal-test-ca.key").string()});
  }
  SUBCASE("a mistyped kiosk id: the token is for another one") {
    std::string token = world.issue_token("kiosk-63");
    auto run = world.provision("kiosk-36", token, world.path("k3"));
    CHECK(run.exit_code == 1);
    // The portal's reason, then what to do about it.
    CHECK(run.err.find("issued for kiosk id \"kiosk-63\", not \"kiosk-36\"") != std::string::npos);
    CHECK(run.err.find("issued for another kiosk id than \"kiosk-36\"") != std::string::npos);
  }
  SUBCASE("a used token") {
    std::string token = world.issue_token("kiosk-64");
    REQUIRE(world.provision("kiosk-64", token, world.path("k4")).exit_code == 0);
    auto run = world.provision("kiosk-64", token, world.path("k4b"));
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("already used") != std::string::npos);
    CHECK(run.err.find("ask the portal's admin for a new one") != std::string::npos);
  }
}

TEST_CASE("issue-token refuses every kiosk id that provision refuses, with the same rule") {
  ProvisioningWorld world;
  for (std::string id : {std::string("-leading-dash"), std::string("../etc"), std::string("a b"),
                         std::string("kiosk/1"), std::string(65, 'k'), std::string("")}) {
    CAPTURE(id);
    auto issued = world.execute({SHUBBAK_PORTAL_BIN, "issue-token", "--db",
                                 (world.portal().dir() / "portal.db").string(), "--kiosk-id", id});
    CHECK(issued.exit_code != 0);
    CHECK(issued.out.empty());  // no token printed
    auto provisioned = world.provision(id, "0123456789abcdef0123456789abcdef", world.path("k"));
    CHECK(provisioned.exit_code != 0);
    if (!id.empty()) {
      CHECK(issued.err.find("is not a valid kiosk id") != std::string::npos);
      CHECK(provisioned.err.find("is not a valid kiosk id") != std::string::npos);
    }
  }
  // And both take the ids the rule allows.
  std::string token = world.issue_token("Muscat_0042.b");
  CHECK(world.provision("Muscat_0042.b", token, world.path("ok")).exit_code == 0);
}
