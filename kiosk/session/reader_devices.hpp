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

namespace shubbak {

class ReaderDevices {
 public:
  struct Listeners {
    HidScanner::ScanListener on_scan = [](Scan) {};
    std::function<void(bool connected)> on_card_reader = [](bool) {};
  };

  // Fails on a configuration that cannot work (an unknown profile, no USB stack for ccid://,
  // a configured scanner that is missing). A missing CCID reader is not an error: it is
  // attached when plugged in.
  static Expected<std::unique_ptr<ReaderDevices>> open(const Config& config,
                                                       const std::filesystem::path& assets_dir,
                                                       EventLoop& loop, WorkerPool& workers,
                                                       Log log, Listeners listeners);
  ~ReaderDevices();
  ReaderDevices(const ReaderDevices&) = delete;
  ReaderDevices& operator=(const ReaderDevices&) = delete;

  CardService& card() { return *m_card; }
  const CardProfile& card_profile() const { return m_profile; }

 private:
  ReaderDevices() = default;

  std::unique_ptr<UsbContext> m_usb;  // declared first: destroyed after everything using it
  CardProfile m_profile;
  std::unique_ptr<CardService> m_card;
  std::unique_ptr<CardReaderSupervisor> m_supervisor;
  std::unique_ptr<HidScanner> m_scanner;
};

}  // namespace shubbak
