// The kiosk's card reader and scanner as kiosk.toml describes them ([usb], [card], [scanner]),
// opened and kept across hot-plug, ready for the workflow's read_id_card and scan steps:
//   devices->card().read_identity(devices->card_profile(), done)
//
// Threading: UI thread only; scans and reader changes are delivered on it.
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

  // Fails on a configuration that cannot work (an unknown profile, no USB stack for ccid://,
  // a configured scanner that is missing). A missing CCID reader is not an error: it is
  // attached when plugged in. A scanner that stops later is looked for again every
  // k_scanner_retry until it is back.
  static Expected<std::unique_ptr<ReaderDevices>> open(const Config& config,
                                                       const std::filesystem::path& assets_dir,
                                                       EventLoop& loop, WorkerPool& workers,
                                                       Log log, Listeners listeners);
  ~ReaderDevices();
  ReaderDevices(const ReaderDevices&) = delete;
  ReaderDevices& operator=(const ReaderDevices&) = delete;

  static constexpr std::chrono::milliseconds k_scanner_retry{500};

  CardService& card() { return *m_card; }
  bool scanner_connected() const { return m_scanner != nullptr; }
  const CardProfile& card_profile() const { return m_profile; }

 private:
  ReaderDevices(EventLoop& loop, Log log) : m_loop(loop), m_log(std::move(log)) {}
  Expected<void> open_scanner_now();
  void scanner_stopped(const Error& error);

  EventLoop& m_loop;
  Log m_log;
  std::string m_scanner_uri;
  HidScannerOptions m_scanner_options;
  HidScanner::ScanListener m_on_scan;
  std::function<void(bool)> m_on_scanner;
  std::optional<std::uint64_t> m_scanner_retry;  // the loop's timer while the scanner is away
  Liveness m_alive;

  std::unique_ptr<UsbContext> m_usb;  // declared first: destroyed after everything using it
  CardProfile m_profile;
  std::unique_ptr<CardService> m_card;
  std::unique_ptr<CardReaderSupervisor> m_supervisor;
  std::unique_ptr<HidScanner> m_scanner;
};

}  // namespace shubbak
