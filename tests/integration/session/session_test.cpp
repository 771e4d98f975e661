// Sessions on the real headless UI: the idle warning with its countdown, "I need more time",
// the wipe when nobody answers, and a device step that fails going where the bundle says.
#include <doctest/doctest.h>

#include "kiosk/session/kiosk_services.hpp"
#include "kiosk/session/kiosk_shell.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::UiHarness;

namespace {

struct Kiosk {
  explicit Kiosk(UiHarness& h, WorkflowSession::Options session)
      : services(h.ui(), h.loop(), lanes, {}, "K-1", Log(logger, "services")),
        shell(
            h.ui(), h.app(), services, health,
            workflow::load_catalog(std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/services"),
            [] {
              return CivilDate{2026, 11, 21};
            },
            {Language::ar, {"K-1", "0.1.0"}, session}, Log(logger, "shell")) {
    for (auto device : {DeviceId::printer, DeviceId::card_reader, DeviceId::payment_terminal,
                        DeviceId::scanner}) {
      health.set_status(device, DeviceStatus::online);
    }
    shell.on_session_end([this](workflow::EndResult r) { ended = r; });
  }
  Logger logger{LogLevel::error};
  DeviceLanes lanes;
  // Every device reported working: the sessions below meet their faults when they use them.
  DeviceHub health;
  KioskServices services;
  KioskShell shell;
  std::optional<workflow::EndResult> ended;
};

}  // namespace

TEST_CASE("an idle citizen is warned, may ask for more time, and is wiped when gone") {
  UiHarness h(Language::ar);
  Kiosk kiosk(h, {1, 1, 30});
  kiosk.shell.show_welcome();
  kiosk.shell.start_service("jordan.health.appointment");
  REQUIRE(kiosk.shell.session() != nullptr);
  h.tap("primary");  // past the introduction, to the first form
  REQUIRE(kiosk.shell.session()->engine().step().id == "who");

  // One second without a touch: the warning, with its countdown and the button for more time.
  REQUIRE(h.run_until([&] { return h.app().screen()->find_element("more-time").has_value(); }, 3s));
  auto shot = h.screenshot();
  CHECK(shot.rgb(960, 10) != shot.rgb(960, 600));  // the banner sits across the top
  h.tap("more-time");
  CHECK_FALSE(h.app().screen()->find_element("more-time").has_value());
  CHECK(kiosk.shell.session() != nullptr);

  // Nobody answers the next warning: the session is wiped and the kiosk is ready for the next.
  REQUIRE(h.run_until([&] { return kiosk.ended.has_value(); }, 8s));
  CHECK(*kiosk.ended == workflow::EndResult::cancelled);
  CHECK(kiosk.shell.session() == nullptr);
  CHECK(h.app().screen()->find_element("start").has_value());  // the welcome screen
}

TEST_CASE("touches keep a session alive") {
  UiHarness h(Language::en);
  Kiosk kiosk(h, {1, 1, 30});
  kiosk.shell.start_service("jordan.health.appointment");
  h.tap("primary");
  for (int i = 0; i < 4; ++i) {
    h.run_until([] { return false; }, 600ms);
    h.tap_at({5, 5});  // an empty corner: the citizen is still there
  }
  CHECK_FALSE(h.app().screen()->find_element("more-time").has_value());
  CHECK_FALSE(kiosk.ended.has_value());
}

TEST_CASE("a card step without a card reader ends where the bundle sends a device error") {
  UiHarness h(Language::ar);
  Kiosk kiosk(h, {60, 20, 30});
  kiosk.shell.start_service("oman.civil-status.birth-certificate");
  h.tap("primary");
  REQUIRE(h.run_until(
      [&] { return kiosk.shell.session() && kiosk.shell.session()->engine().finished(); }, 3s));
  CHECK(kiosk.shell.session()->engine().step().id == "card_failed");
  h.tap("primary");  // finish
  REQUIRE(h.run_until([&] { return kiosk.ended.has_value(); }, 3s));
  CHECK(*kiosk.ended == workflow::EndResult::failed);
}

TEST_CASE("a form refuses a bad answer with the reason under the field, in Arabic") {
  UiHarness h(Language::ar);
  Kiosk kiosk(h, {60, 20, 30});
  kiosk.shell.start_service("jordan.health.appointment");
  h.tap("primary");
  h.tap("national_id");
  h.display().inject_text("1234567890");  // not Luhn-valid
  h.settle();
  h.tap("key:enter");
  h.tap("primary");
  auto error = h.app().screen()->find_element("national_id:error");
  REQUIRE(error.has_value());
  CHECK(kiosk.shell.session()->engine().step().id == "who");
  CHECK(kiosk.shell.session()->engine().answers().at("national_id").to_display_string() ==
        "1234567890");
}

TEST_CASE(
    "a scan answers the step waiting for one; a dropped payment card is refused, never passed on") {
  UiHarness h(Language::en);
  Logger logger(LogLevel::error);
  DeviceLanes lanes;
  KioskServices::Devices devices;
  devices.scanner = true;
  KioskServices services(h.ui(), h.loop(), lanes, devices, "K-1", Log(logger, "services"));

  services.scanned({Scan::Outcome::text, "IGNORED"});  // nobody asked: dropped
  std::optional<Expected<std::string>> got;
  services.scan_code([&](Expected<std::string> r) { got = std::move(r); });
  CHECK_FALSE(got.has_value());
  services.scanned({Scan::Outcome::text, "APPT-2026-0042"});
  REQUIRE(got.has_value());
  REQUIRE(got->has_value());
  CHECK(**got == "APPT-2026-0042");

  got.reset();
  services.scan_code([&](Expected<std::string> r) { got = std::move(r); });
  services.scanned({Scan::Outcome::dropped_payment_card, ""});
  REQUIRE(got.has_value());
  CHECK_FALSE(got->has_value());

  KioskServices::Devices none;
  KioskServices without(h.ui(), h.loop(), lanes, none, "K-1", Log(logger, "services"));
  got.reset();
  without.scan_code([&](Expected<std::string> r) { got = std::move(r); });
  REQUIRE(got.has_value());
  CHECK(got->error().code == Errc::device);
}

TEST_CASE("a kiosk held out of service shows its reason and starts no session") {
  UiHarness h(Language::ar);
  Kiosk kiosk(h, {60, 20, 30});
  kiosk.shell.set_out_of_service("out_of_service.storage_full");
  h.settle();
  CHECK_FALSE(h.app().screen()->find_element("start").has_value());
  CHECK(h.app().screen()->find_element("out-of-service").has_value());
  CHECK(kiosk.shell.out_of_service_reason() == "out_of_service.storage_full");
  kiosk.shell.start_service("jordan.health.appointment");
  CHECK(kiosk.shell.session() == nullptr);
  kiosk.shell.set_out_of_service("");
  h.settle();
  CHECK(h.app().screen()->find_element("start").has_value());
}

TEST_CASE("a new set of services takes over between citizens, never under one") {
  UiHarness h(Language::en);
  Kiosk kiosk(h, {60, 20, 30});
  REQUIRE(kiosk.shell.catalog().services.size() == 3);
  kiosk.shell.start_service("jordan.health.appointment");
  REQUIRE(kiosk.shell.session() != nullptr);
  kiosk.shell.replace_catalog(workflow::Catalog{});  // an update lands mid-session
  CHECK(kiosk.shell.catalog().services.size() ==
        3);  // the citizen keeps the services they started with
  h.tap("primary");
  CHECK(kiosk.shell.session()->engine().step().id == "who");
  h.tap("cancel");
  h.tap("primary");  // finish on the end screen
  REQUIRE(h.run_until([&] { return kiosk.ended.has_value(); }, 3s));
  CHECK(kiosk.shell.catalog().services.empty());  // the next citizen sees the new set
  kiosk.shell.replace_catalog(
      workflow::load_catalog(std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/services"));
  CHECK(kiosk.shell.catalog().services.size() == 3);  // idle: at once
}

TEST_CASE("a citizen may ask for more time ten times and more, and from then on has double time") {
  UiHarness h(Language::en);
  Kiosk kiosk(h, {1, 1, 30});
  kiosk.shell.start_service("jordan.health.appointment");
  h.tap("primary");
  REQUIRE(kiosk.shell.session() != nullptr);
  CHECK_FALSE(kiosk.shell.session()->more_time());
  CHECK(kiosk.shell.session()->step_seconds() == 1);
  for (int i = 1; i <= 11; ++i) {
    CAPTURE(i);
    REQUIRE(
        h.run_until([&] { return h.app().screen()->find_element("more-time").has_value(); }, 4s));
    h.tap("more-time");
    REQUIRE(kiosk.shell.session() != nullptr);
    CHECK(kiosk.shell.session()->extensions() == i);
    CHECK_FALSE(kiosk.ended.has_value());
  }
  // The setting holds on the next step too: twice the step's time.
  CHECK(kiosk.shell.session()->more_time());
  CHECK(kiosk.shell.session()->step_seconds() == 2);
  CHECK(kiosk.shell.session()->engine().step().id == "who");
}

TEST_CASE("with the more-time setting every step's time is doubled from the start") {
  UiHarness h(Language::en);
  WorkflowSession::Options options{1, 1, 30};
  options.more_time = true;
  Kiosk kiosk(h, options);
  kiosk.shell.start_service("jordan.health.appointment");
  h.tap("primary");
  REQUIRE(kiosk.shell.session() != nullptr);
  CHECK(kiosk.shell.session()->step_seconds() == 2);
  // No warning after the step's own second...
  h.run_until([] { return false; }, 1300ms);
  CHECK_FALSE(h.app().screen()->find_element("more-time").has_value());
  // ...but after its doubled time.
  CHECK(h.run_until([&] { return h.app().screen()->find_element("more-time").has_value(); }, 3s));
}

TEST_CASE("more time chosen on the menu, before any warning, doubles every step's time") {
  UiHarness h(Language::en);
  Kiosk kiosk(h, {1, 1, 30});
  kiosk.shell.show_welcome();
  h.tap("start");  // the menu: after the services, the time setting
  const std::string off(h.ui().message("menu.more_time_off"));
  const std::string on(h.ui().message("menu.more_time_on"));
  CHECK(h.app().screen()->spoken_text().find(off) != std::string::npos);
  h.tap("option:more-time");
  h.settle();
  CHECK(kiosk.shell.more_time());
  CHECK(h.app().screen()->spoken_text().find(on) != std::string::npos);
  h.tap("option:jordan.health.appointment");
  REQUIRE(kiosk.shell.session() != nullptr);
  CHECK(kiosk.shell.session()->more_time());
  CHECK(kiosk.shell.session()->extensions() == 0);  // no warning was needed for it
  CHECK(kiosk.shell.session()->step_seconds() == 2);
  h.run_until([] { return false; }, 1300ms);
  CHECK_FALSE(h.app().screen()->find_element("more-time").has_value());
  CHECK(h.run_until([&] { return h.app().screen()->find_element("more-time").has_value(); }, 3s));

  // The next citizen starts without it.
  REQUIRE(h.run_until([&] { return kiosk.ended.has_value(); }, 8s));
  h.settle();
  CHECK_FALSE(kiosk.shell.more_time());
  h.tap("start");
  CHECK(h.app().screen()->spoken_text().find(off) != std::string::npos);
  h.tap("option:jordan.health.appointment");
  REQUIRE(kiosk.shell.session() != nullptr);
  CHECK(kiosk.shell.session()->step_seconds() == 1);
}

TEST_CASE("the kiosk's own warning is at least 20 seconds") {
  CHECK(WorkflowSession::Options{}.warning_seconds >= 20);
}
