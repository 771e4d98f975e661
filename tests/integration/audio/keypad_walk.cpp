#include "tests/integration/audio/keypad_walk.hpp"

#include <doctest/doctest.h>

#include <set>

#include "kiosk/core/short_reference.hpp"
#include "screens/ui/widget_screen.hpp"

namespace shubbak::testing {

using namespace std::chrono_literals;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

void press(UiHarness& h, KeyEvent::Kind kind) {
  h.display().inject_key(kind);
  h.settle();
}

const std::string& last_said(const GuidedKiosk& kiosk) {
  static const std::string none;
  return kiosk.speaker.said.empty() ? none : kiosk.speaker.said.back().text;
}

void every_control_announced(UiHarness& h, GuidedKiosk& kiosk) {
  auto* screen = dynamic_cast<WidgetScreen*>(h.app().screen());
  REQUIRE(screen != nullptr);
  std::vector<Widget*> order;
  screen->root().collect_focusable(order);
  const std::size_t controls = order.size();
  REQUIRE(controls > 0);
  std::set<Widget*> visited;
  for (int presses = 0; presses < 60 && visited.size() < controls; ++presses) {
    std::size_t before = kiosk.speaker.said.size();
    press(h, KeyEvent::Kind::down);
    REQUIRE(kiosk.speaker.said.size() > before);  // something was said for every key
    CHECK_FALSE(last_said(kiosk).empty());
    visited.insert(h.ui().focused());
  }
  CHECK(visited.size() == controls);
}

bool move_to(UiHarness& h, GuidedKiosk& kiosk, std::string_view part) {
  for (int i = 0; i < 40; ++i) {
    press(h, KeyEvent::Kind::down);
    if (contains(last_said(kiosk), part)) return true;
  }
  // What was said, to see where the walk went instead.
  for (std::size_t i = kiosk.speaker.said.size() > 8 ? kiosk.speaker.said.size() - 8 : 0;
       i < kiosk.speaker.said.size(); ++i)
    MESSAGE(kiosk.speaker.said[i].text);
  return false;
}

KeypadWalk::KeypadWalk(Speaker* voice) {
  auto opened_printer = FilePrinter::open(dir.path() / "data/receipts", 576);
  REQUIRE(opened_printer);
  printer = std::move(*opened_printer);
  REQUIRE(terminal.open());  // as the runtime opens it
  // The default configuration is the demo's: the simulated reader holding the demo ID card.
  auto opened_readers = ReaderDevices::open(Config{}, SHUBBAK_ASSETS_DIR, h.loop(), reader_lane,
                                            reader_lane, Log(logger, "readers"), {});
  REQUIRE_MESSAGE(opened_readers, (opened_readers ? "" : opened_readers.error().describe()));
  readers = std::move(*opened_readers);
  KioskServices::Devices devices;
  devices.readers = readers.get();
  devices.payments = &payments;
  devices.store = journal.store.get();
  devices.printer = printer.get();
  devices.card_profiles = std::filesystem::path(SHUBBAK_ASSETS_DIR) / "card-profiles";
  kiosk = std::make_unique<GuidedKiosk>(h, WorkflowSession::Options{60, 20, 30}, devices, voice);
}

void KeypadWalk::show_welcome() {
  kiosk->shell.show_welcome();
  // The welcome screen opens in Arabic; this citizen reads English.
  h.ui().set_language(Language::en);
  h.settle();
  REQUIRE_FALSE(kiosk->guidance.enabled());
}

void KeypadWalk::open_service(std::string_view title) {
  press(KeyEvent::Kind::down);  // the first key: the voice on, the screen read
  REQUIRE(kiosk->guidance.enabled());
  press(KeyEvent::Kind::enter);  // start: the service menu
  activate(title);
  REQUIRE(h.run_until([&] { return kiosk->shell.session() != nullptr; }, 3s));
  h.settle();
}

void KeypadWalk::activate(std::string_view part) {
  REQUIRE(move_to(part));
  press(KeyEvent::Kind::enter);
}

std::string KeypadWalk::step() const {
  return kiosk->shell.session() ? kiosk->shell.session()->engine().step().id : std::string();
}

bool KeypadWalk::wait_for_step(std::string_view id) {
  bool reached = h.run_until([&] { return step() == id; }, 10s);
  h.settle();
  return reached;
}

TransactionRecord KeypadWalk::finish() {
  REQUIRE(h.run_until(
      [&] { return kiosk->shell.session() && kiosk->shell.session()->engine().finished(); }, 10s));
  h.settle();
  const std::string id = kiosk->shell.session()->transaction_id();
  REQUIRE_FALSE(id.empty());
  CHECK(contains(last_said(), "Request number: " + short_reference(id)));
  activate("Button: Finish");
  REQUIRE(h.run_until([&] { return kiosk->ended.has_value(); }, 3s));
  CHECK(*kiosk->ended == workflow::EndResult::completed);
  auto stored = journal.transactions();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].id == id);
  return stored[0];
}

}  // namespace shubbak::testing
