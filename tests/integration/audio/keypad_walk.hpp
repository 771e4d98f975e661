// A citizen walking the demo services by keypad and ear alone: the real headless UI (real SDL
// key events), the real shell and session, and the demo's devices as the runtime opens them (a
// real SQLite store, the simulated ID card reader, the simulated payment terminal behind the
// payment desk, a file printer for receipts and tickets). Spoken guidance speaks through a
// RecordingSpeaker, optionally into a real voice, so a walk checks what each key says.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "drivers/payment/simulated_terminal.hpp"
#include "drivers/printer/file_printer.hpp"
#include "kiosk/loop/worker_pool.hpp"
#include "kiosk/payments/payment_desk.hpp"
#include "kiosk/session/reader_devices.hpp"
#include "tests/integration/audio/guided_kiosk.hpp"
#include "tests/support/kiosk_store.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/ui_harness.hpp"

namespace shubbak::testing {

bool contains(const std::string& text, std::string_view part);

// One key through SDL's key queue, then the UI settles.
void press(UiHarness& h, KeyEvent::Kind kind);
// What guidance said last; empty before it said anything.
const std::string& last_said(const GuidedKiosk& kiosk);
// Goes round every control of the screen once with "down": each is announced as it takes the
// focus (a list or a choice group also announces its items on the way), with a role.
void every_control_announced(UiHarness& h, GuidedKiosk& kiosk);
// Presses "down" (bounded) until what was said names `part`; false if it never did.
bool move_to(UiHarness& h, GuidedKiosk& kiosk, std::string_view part);

class KeypadWalk {
 public:
  // `voice`, when given, hears everything guidance says too (and must outlive the walk).
  explicit KeypadWalk(Speaker* voice = nullptr);

  // The welcome screen in English, guidance off, as the next citizen finds it.
  void show_welcome();
  // From the welcome screen: the first key turns the voice on, Enter opens the service menu,
  // "down" goes to the service whose title says `title`, Enter starts it.
  void open_service(std::string_view title);
  // On the end screen of a completed request: the request number was spoken, Finish is found and
  // pressed, the session ends completed; returns the one transaction stored.
  TransactionRecord finish();
  // The current step's id.
  std::string step() const;
  // Waits (bounded) for the session to reach step `id` and for its screen to be read.
  bool wait_for_step(std::string_view id);

  void press(KeyEvent::Kind kind) { testing::press(h, kind); }
  const std::string& last_said() const { return testing::last_said(*kiosk); }
  void every_control_announced() { testing::every_control_announced(h, *kiosk); }
  bool move_to(std::string_view part) { return testing::move_to(h, *kiosk, part); }
  // Moves to the control whose announcement names `part` (it must be there) and presses Enter.
  void activate(std::string_view part);

  UiHarness h{Language::en};
  TempDir dir;
  KioskStore journal{dir.path() / "data", "K-1"};
  std::unique_ptr<FilePrinter> printer;
  SimulatedTerminal terminal;
  PaymentJournal payment_journal{*journal.store};
  Logger logger{LogLevel::error};
  PaymentDesk payments{terminal, payment_journal, Log(logger, "payments")};
  WorkerPool reader_lane{1};
  std::unique_ptr<ReaderDevices> readers;
  std::unique_ptr<GuidedKiosk> kiosk;
};

}  // namespace shubbak::testing
