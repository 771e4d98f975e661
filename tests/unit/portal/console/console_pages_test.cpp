// The console's fleet health rules and pages, without a server: red, amber and green from a
// heartbeat and its age, escaping of every value a kiosk sends, both languages and directions.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "provisioning/portal/console/console_pages.hpp"
#include "provisioning/portal/console/fleet_health.hpp"

using namespace shubbak;
using namespace shubbak::portal;
using namespace shubbak::portal::console;

namespace {

constexpr std::int64_t k_now = 1'800'000'000'000;

portal_protocol::Heartbeat heartbeat() {
  portal_protocol::Heartbeat h;
  h.kiosk_id = "kiosk-7";
  h.version = "1.4.0";
  h.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
  h.audit_head_hash = std::string(64, '0');
  h.devices = {{"printer", "online"}, {"scanner", "not-installed"}};
  return h;
}

KioskSnapshot snapshot(const portal_protocol::Heartbeat& h, std::int64_t age_ms) {
  return {h.kiosk_id, k_now - age_ms, portal_protocol::encode_heartbeat(h), {}};
}

}  // namespace

TEST_CASE("a kiosk is green, amber or red by its latest heartbeat and its age") {
  HealthRules rules;  // offline after 5 minutes, a queue stale after 15
  CHECK(assess(snapshot(heartbeat(), 1000), k_now, rules).health == Health::green);
  auto offline = assess(snapshot(heartbeat(), 5 * 60 * 1000 + 1), k_now, rules);
  CHECK(offline.health == Health::red);
  CHECK(offline.reasons == std::vector{HealthReason::offline});
  CHECK(assess(snapshot(heartbeat(), 5 * 60 * 1000), k_now, rules).health == Health::green);
  auto never = assess({"kiosk-9", std::nullopt, "", {}}, k_now, rules);
  CHECK(never.health == Health::red);
  CHECK(never.reasons == std::vector{HealthReason::never_heard});

  auto h = heartbeat();
  h.devices = {{"printer", "media-empty"}};
  CHECK(assess(snapshot(h, 0), k_now, rules).health == Health::amber);
  h = heartbeat();
  h.quarantined = 2;
  CHECK(assess(snapshot(h, 0), k_now, rules).reasons == std::vector{HealthReason::quarantined});
  h = heartbeat();
  h.oldest_pending_age_s = 15 * 60 + 1;
  CHECK(assess(snapshot(h, 0), k_now, rules).reasons == std::vector{HealthReason::queue_stale});
  h.oldest_pending_age_s = 60;
  CHECK(assess(snapshot(h, 0), k_now, rules).health == Health::green);
  h = heartbeat();
  h.out_of_service = "printer empty";
  h.devices = {{"printer", "media-empty"}};
  auto down = assess(snapshot(h, 0), k_now, rules);
  CHECK(down.health == Health::red);  // the worst reason wins; all are kept
  CHECK(down.reasons == std::vector{HealthReason::out_of_service, HealthReason::device_fault});
  auto unreadable = assess({"kiosk-7", k_now, "{not json", {}}, k_now, rules);
  CHECK(unreadable.health == Health::amber);
}

TEST_CASE("html_escape leaves no markup") {
  CHECK(html_escape("<script>alert('x')</script> & \"q\"") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  CHECK(html_escape("نافذة 12345") == "نافذة 12345");
}

TEST_CASE("pages are in Arabic right to left by default, and in English left to right") {
  PageContext context;
  context.user = "amal";
  context.role = AdminRole::operator_role;
  context.csrf_token = std::string(64, 'c');
  context.path = "/";
  context.now_ms = k_now;
  auto h = heartbeat();
  h.version = "<img src=x>";
  h.devices = {{"printer\"><b>", "jam<i>"}};
  h.out_of_service = "</td><script>";
  // Built by hand: the portal's heartbeat validation may refuse such values, but the pages
  // escape whatever they are given.
  KioskHealth hostile;
  hostile.kiosk_id = "kiosk-7";
  hostile.health = Health::red;
  hostile.reasons = {HealthReason::out_of_service};
  hostile.heartbeat = h;
  hostile.heartbeat_ms = k_now;
  std::vector<KioskHealth> fleet = {hostile};

  std::string ar = render_board(context, fleet, {}, 15);
  CHECK(ar.find("<html lang=\"ar\" dir=\"rtl\">") != std::string::npos);
  CHECK(ar.find("الأسطول") != std::string::npos);
  CHECK(ar.find("href=\"/?lang=en\"") != std::string::npos);
  CHECK(ar.find("<img") == std::string::npos);
  CHECK(ar.find("&lt;img src=x&gt;") != std::string::npos);

  context.language = Language::en;
  std::string page = render_kiosk(context, fleet[0], {});
  CHECK(page.find("<html lang=\"en\" dir=\"ltr\">") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
  CHECK(page.find("<i>") == std::string::npos);
  CHECK(page.find("&lt;/td&gt;&lt;script&gt;") != std::string::npos);

  // Filters: by state and by version.
  BoardFilter amber_only{Health::amber, "", "", ""};
  CHECK(render_board(context, fleet, amber_only, 15).find("data-kiosk=") == std::string::npos);
  BoardFilter red_only{Health::red, "", "", ""};
  CHECK(render_board(context, fleet, red_only, 15).find("data-kiosk=\"kiosk-7\"") !=
        std::string::npos);

  // The token page: a form for operators, a notice for viewers; a token shown once, escaped.
  std::vector<EnrolmentTokenInfo> issued = {
      {"0123456789ab",
       "kiosk-9",
       {"site:a<b>"},
       k_now,
       k_now + 3'600'000,
       std::nullopt,
       std::nullopt},
      {"ba9876543210", "kiosk-8", {}, k_now - 10, k_now - 1, std::nullopt, std::nullopt},
      {"aaaaaaaaaaaa", "kiosk-6", {}, k_now - 10, k_now + 1, k_now - 5, std::nullopt},
      {"bbbbbbbbbbbb", "kiosk-5", {}, k_now - 10, k_now + 1, std::nullopt, k_now - 5}};
  std::string tokens =
      render_tokens(context, IssuedToken{"kiosk-9", "0123abcd", 24, {"pilot"}}, "", issued);
  CHECK(tokens.find("id=\"issue\"") != std::string::npos);
  CHECK(tokens.find("0123abcd") != std::string::npos);
  CHECK(tokens.find("site:a&lt;b&gt;") != std::string::npos);
  // Only the unused, unexpired, unrevoked token can be revoked.
  CHECK(tokens.find("name=\"id\" value=\"0123456789ab\"") != std::string::npos);
  CHECK(tokens.find("value=\"ba9876543210\"") == std::string::npos);
  CHECK(tokens.find("value=\"aaaaaaaaaaaa\"") == std::string::npos);
  CHECK(tokens.find("value=\"bbbbbbbbbbbb\"") == std::string::npos);
  CHECK(tokens.find(">expired<") != std::string::npos);
  CHECK(tokens.find(">used<") != std::string::npos);
  CHECK(tokens.find(">revoked<") != std::string::npos);
  context.role = AdminRole::viewer;
  std::string viewer = render_tokens(context, std::nullopt, "", issued);
  CHECK(viewer.find("id=\"issue\"") == std::string::npos);
  CHECK(viewer.find("class=\"revoke\"") == std::string::npos);
  CHECK(viewer.find("data-token=\"0123456789ab\"") != std::string::npos);
}

TEST_CASE("device health reads the kiosk's own statuses; its failure history is not its state") {
  using shubbak::portal::console::device_is_well;
  CHECK(device_is_well("printer", "online"));
  CHECK(device_is_well("card_reader", "busy"));
  CHECK(device_is_well("card_reader", "card-present"));
  CHECK(device_is_well("scanner", "not-installed"));
  CHECK(device_is_well("card_reader.last_failure", "timeout"));
  CHECK_FALSE(device_is_well("printer", "media-low"));
  CHECK_FALSE(device_is_well("printer", "media-empty"));
  CHECK_FALSE(device_is_well("printer", "jam"));
  CHECK_FALSE(device_is_well("store", "storage-full"));
  CHECK_FALSE(device_is_well("scanner", "offline"));
  CHECK_FALSE(device_is_well("printer", "ok"));  // not a status any kiosk sends: looked at
}

TEST_CASE("the board filters by site, group and version, and counts what the filters leave") {
  PageContext context;
  context.user = "amal";
  context.language = Language::en;
  context.now_ms = k_now;
  auto kiosk = [](std::string id, Health health, std::vector<std::string> groups,
                  std::string version) {
    KioskHealth k;
    k.kiosk_id = std::move(id);
    k.health = health;
    k.groups = std::move(groups);
    k.heartbeat = heartbeat();
    k.heartbeat->version = std::move(version);
    k.heartbeat_ms = k_now;
    return k;
  };
  std::vector<KioskHealth> fleet = {
      kiosk("k-1", Health::green, {"site:riyadh-olaya", "region:riyadh", "pilot"}, "1.4.0"),
      kiosk("k-2", Health::red, {"site:riyadh-olaya", "region:riyadh"}, "1.3.0"),
      kiosk("k-3", Health::amber, {"site:muscat-ruwi", "region:muscat"}, "1.4.0"),
      kiosk("k-4", Health::red, {}, "1.4.0")};
  auto listed = [&](const BoardFilter& filter) {
    std::string page = render_board(context, fleet, filter, 15);
    std::string ids;
    for (auto at = page.find("data-kiosk=\""); at != std::string::npos;
         at = page.find("data-kiosk=\"", at + 1))
      ids += page.substr(at + 12, 3) + " ";
    return ids;
  };
  // The worst first, then by id.
  CHECK(listed({}) == "k-2 k-4 k-3 k-1 ");
  CHECK(listed({std::nullopt, "", "site:riyadh-olaya", ""}) == "k-2 k-1 ");
  CHECK(listed({std::nullopt, "", "", "pilot"}) == "k-1 ");
  CHECK(listed({std::nullopt, "", "", "region:muscat"}) == "k-3 ");
  CHECK(listed({Health::red, "", "site:riyadh-olaya", ""}) == "k-2 ");
  CHECK(listed({std::nullopt, "1.4.0", "site:riyadh-olaya", ""}) == "k-1 ");
  CHECK(listed({std::nullopt, "", "site:nowhere", ""}).empty());
  // The counts are of the kiosks the site filter leaves, whatever the state filter says.
  std::string page = render_board(context, fleet, {Health::red, "", "site:riyadh-olaya", ""}, 15);
  CHECK(page.find("id=\"count-green\">1<") != std::string::npos);
  CHECK(page.find("id=\"count-red\">1<") != std::string::npos);
  CHECK(page.find("id=\"count-amber\">0<") != std::string::npos);
  // Sites and other groups are offered apart, each with its count.
  CHECK(
      page.find("<option value=\"site:riyadh-olaya\" selected dir=\"ltr\">site:riyadh-olaya (2)") !=
      std::string::npos);
  CHECK(page.find("<option value=\"pilot\" dir=\"ltr\">pilot (1)") != std::string::npos);
  CHECK(page.find("<option value=\"site:muscat-ruwi\" dir=\"ltr\">") != std::string::npos);
}

TEST_CASE("a large fleet's board comes in pages, the worst kiosks on the first") {
  PageContext context;
  context.user = "amal";
  context.language = Language::en;
  context.now_ms = k_now;
  std::vector<KioskHealth> fleet;
  for (int i = 0; i < 600; ++i) {
    KioskHealth k;
    k.kiosk_id = fmt::format("k-{:03}", i);
    k.health = i == 599 ? Health::red : Health::green;
    k.groups = {"site:one"};
    fleet.push_back(k);
  }
  auto rows = [](const std::string& page) {
    std::size_t count = 0;
    for (auto at = page.find("class=\"kiosk\""); at != std::string::npos;
         at = page.find("class=\"kiosk\"", at + 1))
      ++count;
    return count;
  };
  BoardFilter filter;
  filter.site = "site:one";
  std::string first = render_board(context, fleet, filter, 15);
  CHECK(rows(first) == static_cast<std::size_t>(k_board_page_rows));
  // The one red kiosk leads the first page, though its id is last.
  CHECK(first.find("data-kiosk=\"k-599\"") < first.find("data-kiosk=\"k-000\""));
  CHECK(first.find("250 of 600 kiosks") != std::string::npos);
  CHECK(first.find("href=\"/?page=2&amp;lang=en&amp;site=site%3Aone\"") != std::string::npos);
  CHECK(first.find("page=0") == std::string::npos);
  filter.page = 3;
  std::string last = render_board(context, fleet, filter, 15);
  CHECK(rows(last) == 100);
  CHECK(last.find("href=\"/?page=2&amp;lang=en&amp;site=site%3Aone\"") != std::string::npos);
  CHECK(last.find("page=4") == std::string::npos);
  filter.page = 99;  // past the end: the last page
  CHECK(rows(render_board(context, fleet, filter, 15)) == 100);
  filter.page = -5;
  CHECK(rows(render_board(context, fleet, filter, 15)) ==
        static_cast<std::size_t>(k_board_page_rows));
  // A fleet that fits one page has no page links.
  std::vector<KioskHealth> small(fleet.begin(), fleet.begin() + 10);
  CHECK(render_board(context, small, {}, 15).find("id=\"pages\"") == std::string::npos);
}
