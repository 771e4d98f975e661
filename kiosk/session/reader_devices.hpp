// The kiosk's card reader and scanner as kiosk.toml describes them ([usb], [card], [scanner]),
// opened and kept across hot-plug, ready for the workflow's read_id_card and scan steps:
//   devices->card().read_identity(devices->card_profile(), done)
//
// Threading: UI thread only; scans and reader changes are delivered on it. Opening a device
// is USB I/O with timeouts, so it never runs here: readers open on the card lane, the scanner
// on a lane of its own (a scanner that fails slowly must not delay a card read).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "drivers/card/card_reader_supervisor.hpp"
#include "drivers/card/card_service.hpp"
#include "drivers/hid/hid_scanner.hpp"
#include "kiosk/core/config.hpp"
#include "kiosk/loop/lane.hpp"

namespace shubbak {

class ReaderDevices {
 public:
  struct Listeners {
    HidScanner::ScanListener on_scan = [](Scan) {};
    std::function<void(bool connected)> on_card_reader = [](bool) {};
    // The scanner stopped (unplugged, failing) or was opened again after it came back.
    std::function<void(bool connected)> on_scanner = [](bool) {};
  };

  // Fails on a configuration that cannot work (an unknown profile, no USB stack for ccid:// or
  // hid://, a malformed scanner URI). A missing device is not an error: a CCID reader is
  // attached when plugged in; a scanner is looked for at once on `scanner_lane` and, while it
  // is away (at start or after it stopped), again every k_scanner_retry until it is back.
  // Each change reaches its listener: on_scanner(true) after every successful open.
  static Expected<std::unique_ptr<ReaderDevices>> open(const Config& config,
                                                       const std::filesystem::path& assets_dir,
                                                       EventLoop& loop, WorkerPool& card_lane,
                                                       WorkerPool& scanner_lane, Log log,
                                                       Listeners listeners);
  ~ReaderDevices();
  ReaderDevices(const ReaderDevices&) = delete;
  ReaderDevices& operator=(const ReaderDevices&) = delete;

  static constexpr std::chrono::milliseconds k_scanner_retry{500};

  CardService& card() { return *m_card; }
  bool scanner_connected() const { return m_scanner != nullptr; }
  const CardProfile& card_profile() const { return m_profile; }

 private:
  struct OpenedScanner;
  ReaderDevices(EventLoop& loop, WorkerPool& scanner_lane, Log log)
      : m_loop(loop), m_scanner_lane(scanner_lane), m_log(std::move(log)) {}
  void look_for_scanner();
  void scanner_opened(OpenedScanner opened);
  void scanner_stopped(std::uint64_t generation, const Error& error);
  void retry_scanner_until_back();

  EventLoop& m_loop;
  WorkerPool& m_scanner_lane;
  Log m_log;
  std::string m_scanner_uri;
  HidScannerOptions m_scanner_options;
  HidScanner::ScanListener m_on_scan;
  std::function<void(bool)> m_on_scanner;
  std::optional<std::uint64_t> m_scanner_retry;  // the loop's timer while the scanner is away
  bool m_scanner_opening = false;                // an open is on the scanner lane
  std::uint64_t m_scanner_generation = 0;        // which open a stop report belongs to
  bool m_scanner_away_logged = false;            // this outage is in the log already
  std::string m_scanner_last_error;              // the last reason a look failed
  Liveness m_alive;

  // Declared first: destroyed after everything using it. Shared with an open in flight on the
  // scanner lane, which keeps it (and the scanner it made) alive if this object goes first.
  std::shared_ptr<UsbContext> m_usb;
  CardProfile m_profile;
  std::unique_ptr<CardService> m_card;
  std::unique_ptr<CardReaderSupervisor> m_supervisor;
  std::unique_ptr<HidScanner> m_scanner;
};

}  // namespace shubbak
