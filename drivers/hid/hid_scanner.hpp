// A QR/barcode scanner or magstripe reader in keyboard mode, read straight from its HID
// interrupt endpoint (the kernel's keyboard driver is detached, so a scan never lands in
// whatever has the focus). Scans are posted to the event loop; payment-card-shaped input is
// dropped and only the fact that something was dropped is reported and logged.
//
// Threading: open on any thread (the kiosk opens scanners on a lane: opening is USB I/O with
// timeouts); destroy on the UI thread. Scans and the stop are delivered on the UI thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <utility>

#include "drivers/hid/scan_assembler.hpp"
#include "drivers/usb/usb_device.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak {

class EventLoop;

struct HidScannerOptions {
  KeyboardLayout layout = KeyboardLayout::us;
  std::chrono::milliseconds inter_key_timeout{80};
  // Pieces of a scan that follow each other within this time are judged together by the
  // payment-card filter (ScanAssembler), so a card number split by a pause is still caught.
  // Every scan reaches the kiosk this much later.
  std::chrono::milliseconds join_window{500};
};

class HidScanner {
 public:
  using ScanListener = std::function<void(Scan)>;
  // Called once on the UI thread if the scanner goes away or fails for good.
  using StopListener = std::function<void(Error)>;

  // Claims the boot-keyboard interface (detaching the kernel driver) and starts reading.
  static Expected<std::unique_ptr<HidScanner>> open(std::unique_ptr<UsbDevice> device,
                                                    EventLoop& loop, Log log,
                                                    HidScannerOptions options, ScanListener on_scan,
                                                    StopListener on_stop = {});
  ~HidScanner();
  HidScanner(const HidScanner&) = delete;
  HidScanner& operator=(const HidScanner&) = delete;

 private:
  HidScanner(std::unique_ptr<UsbDevice> device, std::uint8_t endpoint, EventLoop& loop, Log log,
             HidScannerOptions options, ScanListener on_scan, StopListener on_stop);
  void read_reports();
  void deliver(Scan scan);

  std::unique_ptr<UsbDevice> m_device;
  std::uint8_t m_endpoint;
  EventLoop& m_loop;
  Log m_log;
  ScanAssembler m_assembler;
  BootKeyboardDecoder m_decoder;
  ScanListener m_on_scan;
  StopListener m_on_stop;
  std::atomic<bool> m_stop = false;
  std::thread m_reader;
};

class UsbContext;
// The VID:PID a scanner URI names ("hid://VVVV:PPPP"), so a malformed one is refused at start
// even while the scanner itself is away.
Expected<std::pair<std::uint16_t, std::uint16_t>> parse_scanner_uri(std::string_view uri);
// Opens the scanner a config names: "hid://VVVV:PPPP" (it must also be in usb.allow).
Expected<std::unique_ptr<HidScanner>> open_scanner(std::string_view uri, UsbContext& usb,
                                                   EventLoop& loop, Log log,
                                                   HidScannerOptions options,
                                                   HidScanner::ScanListener on_scan,
                                                   HidScanner::StopListener on_stop = {});

}  // namespace shubbak
