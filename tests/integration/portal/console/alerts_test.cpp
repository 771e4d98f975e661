// The console's alerts, group filters and enrolment tokens on the real shubbak-portal, with
// kiosks from shubbak-fleet-sim's SimulatedKiosk: real mutual-TLS clients whose certificates the
// portal's own kiosk CA issued with their groups, sending heartbeats with real faults (paper out,
// a clock ahead, a queue that keeps growing, services behind the published tree).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "kiosk/core/log.hpp"
#include "provisioning/fleet_sim/simulated_kiosk.hpp"
#include "provisioning/portal/kiosk_ca.hpp"
#include "tests/integration/portal/console/console_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

namespace {

// A published tree as `shubbakctl repo publish` lays it out, with the health service at 1.0.0
// (the version the simulator's kiosks run unless they are behind).
fs::path publish_services(const fs::path& dir) {
  fs::path root = dir / "published";
  fs::create_directories(root / "metadata");
  fs::create_directories(root / "targets/services/health");
  std::ofstream(root / "metadata/targets.json")
      << R"({"signed":{"_type":"targets","version":2,"targets":{)"
      << R"("services/health/appointment.json":{"length":1,"hashes":{"sha256":"00"}}}},)"
      << R"("signatures":[]})";
  std::ofstream(root / "targets/services/health/appointment.json")
      << R"({"id":"jordan.health.appointment","version":"1.0.0"})";
  return root;
}

// The kinds of the alerts shown for `kiosk`, in page order, each followed by a space.
std::string alerts_of(const std::string& page, const std::string& kiosk) {
  std::string kinds;
  std::string marker = "\" data-kiosk=\"" + kiosk + "\"";
  for (auto at = page.find(marker); at != std::string::npos; at = page.find(marker, at + 1)) {
    auto start = page.rfind("data-kind=\"", at);
    kinds += page.substr(start + 11, at - start - 11) + " ";
  }
  return kinds;
}

std::string listed_kiosks(const std::string& board) {
  std::string ids;
  for (auto at = board.find("data-kiosk=\""); at != std::string::npos;
       at = board.find("data-kiosk=\"", at + 1)) {
    auto end = board.find('"', at + 12);
    ids += board.substr(at + 12, end - at - 12) + " ";
  }
  return ids;
}

}  // namespace

TEST_CASE("alerts, site and group filters, and revocable tokens on the real console") {
  TempDir published_dir;
  fs::path published = publish_services(published_dir.path());
  ConsoleFixture console({}, 30, {"--static", published.string(), "--console-queue-rises", "3"});
  INFO("portal log: " << console.log());

  Logger logger(LogLevel::error);
  auto ca = portal::KioskCa::open(console.ca_cert(), console.ca_key());
  REQUIRE(ca);
  std::string ca_pem;
  {
    std::ifstream in(console.ca_cert());
    ca_pem.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto kiosk = [&](const std::string& id, std::vector<std::string> groups,
                   fleet_sim::Faults faults) {
    auto made =
        fleet_sim::SimulatedKiosk::create(id, groups, console.dir().path() / "kiosks", **ca, ca_pem,
                                          console.ca_cert(), console.api_url(), faults);
    REQUIRE_MESSAGE(made, (made ? "" : made.error().describe()));
    return std::move(*made);
  };
  auto well = kiosk("k-well", {"site:riyadh-olaya", "region:riyadh", "pilot"}, {});
  auto paper = kiosk("k-paper", {"site:riyadh-olaya", "region:riyadh"}, {.paper_out = true});
  auto skewed = kiosk("k-skew", {"site:muscat-ruwi"}, {.clock_skewed = true});
  auto growing = kiosk("k-queue", {"site:muscat-ruwi"}, {.queue_growing = true});
  auto behind = kiosk("k-behind", {}, {.behind = true});
  for (auto* k : {&well, &paper, &skewed, &behind}) {
    auto sent = (*k)->send_heartbeat(std::chrono::seconds(60));
    CHECK_MESSAGE(sent.ok, sent.error);
  }
  // Three heartbeats with a deeper queue each time after the first: "keeps growing".
  for (int i = 0; i < 4; ++i) CHECK(growing->send_heartbeat(std::chrono::seconds(60 + i)).ok);

  auto session = ConsoleFixture::session_of(console.sign_in("amal", k_operator_password));
  REQUIRE(session.size() == 64);
  auto alerts = console.request("GET", "/alerts?lang=en", session);
  REQUIRE(alerts.status == 200);
  CHECK(alerts_of(alerts.body, "k-well").empty());
  CHECK(alerts_of(alerts.body, "k-paper") == "paper ");
  CHECK(alerts_of(alerts.body, "k-skew") == "clock_skew ");
  CHECK(alerts_of(alerts.body, "k-queue") == "queue_growing ");
  CHECK(alerts_of(alerts.body, "k-behind") == "services_behind ");
  CHECK(alerts.body.find("printer: media-empty") != std::string::npos);
  CHECK(alerts.body.find("jordan.health.appointment 0.9.0 &lt; 1.0.0") != std::string::npos);
  CHECK(alerts.body.find("+720 s") != std::string::npos);  // 12 minutes ahead, as the kiosk sent
  CHECK(alerts.body.find("id=\"alerts-paper\">1<") != std::string::npos);
  // One kind only, and in Arabic.
  auto paper_only = console.request("GET", "/alerts?kind=paper", session);
  REQUIRE(paper_only.status == 200);
  CHECK(paper_only.body.find("dir=\"rtl\"") != std::string::npos);
  CHECK(alerts_of(paper_only.body, "k-paper") == "paper ");
  CHECK(alerts_of(paper_only.body, "k-skew").empty());
  CHECK(paper_only.body.find("الورق") != std::string::npos);

  // The groups come from each kiosk's certificate, as the portal's CA bound them.
  CHECK(listed_kiosks(console.request("GET", "/", session).body) ==
        "k-paper k-behind k-queue k-skew k-well ");
  CHECK(listed_kiosks(console.request("GET", "/?site=site%3Ariyadh-olaya", session).body) ==
        "k-paper k-well ");
  CHECK(listed_kiosks(console.request("GET", "/?group=pilot", session).body) == "k-well ");
  CHECK(listed_kiosks(console.request("GET", "/?site=site%3Amuscat-ruwi&state=red", session).body)
            .empty());
  auto page = console.request("GET", "/kiosk?id=k-well&lang=en", session);
  CHECK(page.body.find(">site:riyadh-olaya</bdi>") != std::string::npos);
  // Its page shows what it runs and how it last started.
  CHECK(page.body.find("id=\"services\"") != std::string::npos);
  CHECK(page.body.find(">jordan.health.appointment</bdi></td><td><bdi>1.0.0<") !=
        std::string::npos);
  CHECK(page.body.find(">first start</bdi>") != std::string::npos);
  auto skewed_page = console.request("GET", "/kiosk?id=k-skew&lang=en", session);
  CHECK(skewed_page.body.find("<bdi>720 s</bdi>") != std::string::npos);

  // Tokens: issued with groups, listed, revoked by an operator, not by a viewer.
  auto tokens_page = console.request("GET", "/tokens", session);
  std::string csrf = ConsoleFixture::csrf_of(tokens_page.body);
  REQUIRE(csrf.size() == 64);
  auto bad_groups =
      console.request("POST", "/tokens", session, "kiosk_id=k-new&groups=Site%3AX&csrf=" + csrf);
  CHECK(bad_groups.status == 400);
  CHECK(bad_groups.body.find("not a valid group name") != std::string::npos);
  auto issued = console.request("POST", "/tokens", session,
                                "kiosk_id=k-new&groups=site%3Ajeddah-corniche+pilot&csrf=" + csrf);
  REQUIRE(issued.status == 200);
  auto id = text_after(issued.body, "data-token=\"", "0123456789abcdef");
  REQUIRE(id);
  CHECK(id->size() == 12);
  CHECK(issued.body.find(">site:jeddah-corniche</bdi>") != std::string::npos);
  auto viewer = ConsoleFixture::session_of(console.sign_in("badr", k_viewer_password));
  std::string viewer_csrf = ConsoleFixture::csrf_of(console.request("GET", "/tokens", viewer).body);
  CHECK(console.request("POST", "/tokens/revoke", viewer, "id=" + *id + "&csrf=" + viewer_csrf)
            .status == 403);
  CHECK(console.request("POST", "/tokens/revoke", session, "id=" + *id).status == 403);  // no CSRF
  auto revoked = console.request("POST", "/tokens/revoke", session, "id=" + *id + "&csrf=" + csrf);
  CHECK(revoked.status == 303);
  auto after = console.request("GET", "/tokens?lang=en", session);
  CHECK(after.body.find(">revoked<") != std::string::npos);
  CHECK(after.body.find("name=\"id\" value=\"" + *id + "\"") == std::string::npos);
  CHECK(console.request("POST", "/tokens/revoke", session, "id=000000000000&csrf=" + csrf).status ==
        404);
  auto audit = console.request("GET", "/audit", session);
  CHECK(audit.body.find("data-action=\"token_revoked\"") != std::string::npos);
  CHECK(audit.body.find("data-action=\"token_revoke_refused\"") != std::string::npos);
}

TEST_CASE("a rollout signed with shubbakctl shows its wave on the console, failing past 2%") {
  // The admins' side, on the real shubbakctl: a repository, the clinic at 1.1.0, a rollout to
  // every kiosk in one wave open now, published.
  TempDir admin;
  auto ctl = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {SHUBBAK_CTL_BIN, "repo",
                                     "--repo",        (admin.path() / "repo").string(),
                                     "--keys",        (admin.path() / "keys").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    fs::path out = admin.path() / ("run-" + std::to_string(argv.size()) + args.front());
    fs::create_directories(out);
    ChildProcess child(argv, out);
    REQUIRE_MESSAGE(child.wait(std::chrono::seconds(60)) == 0, child.stderr_text());
  };
  ctl({"init"});
  ctl({"delegate", "--name", "jordan-health", "--path", "services/jordan-health/*"});
  fs::path bundle = admin.path() / "clinic.json";
  {
    std::ifstream in(fs::path(SHUBBAK_SOURCE_DIR) /
                     "assets/services/jordan.health.appointment.json");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto at = text.find("\"version\": \"1.0.0\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 18, "\"version\": \"1.1.0\"");
    std::ofstream(bundle) << text;
  }
  std::string target = "services/jordan-health/appointment.json";
  ctl({"add", "--file", bundle.string(), "--name", target, "--role", "jordan-health"});
  ctl({"rollout", "start", "--name", target, "--waves", "100%:0h"});
  ctl({"publish", "--out", (admin.path() / "published").string()});

  ConsoleFixture console({}, 30, {"--static", (admin.path() / "published").string()});
  INFO("portal log: " << console.log());
  // Two kiosks in the one wave: kiosk-7 took the version, kiosk-8 refused it.
  auto report = [&](const std::string& kiosk, const std::string& state) {
    portal_protocol::Heartbeat h;
    h.kiosk_id = kiosk;
    h.version = "1.4.0";
    h.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
    h.audit_head_hash = std::string(64, '0');
    portal_protocol::FleetTelemetry t;
    t.sent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    t.restart_cause = "clean stop";
    t.services.generation = 3;
    t.services.bundles = {{"jordan.health.appointment", state == "installed" ? "1.1.0" : "1.0.0"}};
    t.services.rollout = {{target, state, std::nullopt, state == "refused" ? "bad policy" : ""}};
    h.telemetry = t;
    CHECK(console.send_heartbeat(h) == 204);
  };
  report("kiosk-7", "installed");
  report("kiosk-8", "refused");
  auto session = ConsoleFixture::session_of(console.sign_in("badr", k_viewer_password));
  auto page = console.request("GET", "/rollouts?lang=en", session);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("data-target=\"" + target + "\"") != std::string::npos);
  CHECK(page.body.find("jordan.health.appointment 1.1.0") != std::string::npos);
  CHECK(page.body.find("class=\"wave red\" data-wave=\"1\" data-kiosks=\"2\" data-updated=\"1\" "
                       "data-waiting=\"0\" data-failed=\"1\"") != std::string::npos);
  // Each kiosk's page says what its updater decided, with the reason it gave.
  auto page8 = console.request("GET", "/kiosk?id=kiosk-8&lang=en", session);
  CHECK(page8.body.find("<tr data-target=\"" + target + "\" data-state=\"refused\">") !=
        std::string::npos);
  CHECK(page8.body.find(">bad policy</bdi>") != std::string::npos);
  auto alerts = console.request("GET", "/alerts?kind=rollout_failing&lang=en", session);
  CHECK(alerts.body.find(target + " wave 1: 1 of 2 refused") != std::string::npos);
  // The kiosk that refused is behind the published version; the one that took it is not.
  auto behind = console.request("GET", "/alerts?kind=services_behind", session);
  CHECK(alerts_of(behind.body, "kiosk-8") == "services_behind ");
  CHECK(alerts_of(behind.body, "kiosk-7").empty());
}
