#include "drivers/hid/hid_scanner.hpp"

#include <array>

#include <fmt/format.h>

#include <charconv>

#include "drivers/usb/usb_context.hpp"
#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/loop/event_loop.hpp"

namespace shubbak {

Expected<std::unique_ptr<HidScanner>> HidScanner::open(std::unique_ptr<UsbDevice> device,
                                                       EventLoop& loop, Log log,
                                                       HidScannerOptions options,
                                                       ScanListener on_scan, StopListener on_stop) {
  const UsbDeviceInfo& info = device->info();
  const UsbInterfaceInfo* interface = nullptr;
  for (const auto& candidate : info.interfaces) {
    // Boot interface subclass 1, keyboard protocol 1.
    if (candidate.class_code == usb_class::k_hid && candidate.subclass == 1 &&
        candidate.protocol == 1) {
      interface = &candidate;
    }
  }
  if (interface == nullptr) {
    return fail(Errc::unsupported,
                fmt::format("{} has no boot-keyboard HID interface", info.describe()));
  }
  std::uint8_t endpoint = 0;
  for (const auto& ep : interface->endpoints) {
    if (ep.is_interrupt() && ep.is_in()) endpoint = ep.address;
  }
  if (endpoint == 0)
    return fail(Errc::device,
                fmt::format("{}: keyboard interface has no interrupt IN", info.describe()));
  if (auto claimed = device->claim_interface(interface->number); !claimed)
    return std::unexpected(claimed.error());
  // Boot protocol, so reports have the 8-byte layout the decoder reads whatever the report
  // descriptor says; idle 0, so a held key is not repeated. Devices that refuse (STALL) are
  // usually boot-only already: note it and go on.
  std::span<std::uint8_t> no_data;
  if (auto boot = device->control_transfer({0x21, 0x0B, 0, interface->number}, no_data,
                                           std::chrono::milliseconds(500));
      !boot) {
    log.info("{}: SET_PROTOCOL(boot) refused: {}", info.describe(), boot.error().message);
  }
  if (auto idle = device->control_transfer({0x21, 0x0A, 0, interface->number}, no_data,
                                           std::chrono::milliseconds(500));
      !idle) {
    log.debug("{}: SET_IDLE refused: {}", info.describe(), idle.error().message);
  }
  log.info("{}: reading scans from endpoint {:02x}", info.describe(), endpoint);
  return std::unique_ptr<HidScanner>(new HidScanner(std::move(device), endpoint, loop,
                                                    std::move(log), options, std::move(on_scan),
                                                    std::move(on_stop)));
}

HidScanner::HidScanner(std::unique_ptr<UsbDevice> device, std::uint8_t endpoint, EventLoop& loop,
                       Log log, HidScannerOptions options, ScanListener on_scan,
                       StopListener on_stop)
    : m_device(std::move(device)),
      m_endpoint(endpoint),
      m_loop(loop),
      m_log(std::move(log)),
      m_assembler(options.layout, options.inter_key_timeout, options.join_window),
      m_on_scan(std::move(on_scan)),
      m_on_stop(std::move(on_stop)) {
  m_reader = std::thread([this] { read_reports(); });
}

HidScanner::~HidScanner() {
  m_stop = true;
  m_reader.join();
  m_decoder.wipe();
}

void HidScanner::deliver(Scan scan) {
  switch (scan.outcome) {
    case Scan::Outcome::text:
      m_log.info("scan of {} bytes", scan.text.size());
      break;
    case Scan::Outcome::dropped_payment_card:
      m_log.warn("dropped a scan shaped like a payment card");
      break;
    case Scan::Outcome::dropped_too_long:
      m_log.warn("dropped a scan longer than {} bytes", ScanAssembler::k_capacity);
      break;
  }
  m_loop.post(
      [listener = m_on_scan, scan = std::move(scan)]() mutable { listener(std::move(scan)); });
}

void HidScanner::read_reports() {
  std::array<std::uint8_t, 64> report{};
  std::vector<KeyPress> pressed;
  pressed.reserve(16);
  int failures = 0;
  while (!m_stop) {
    // Short reads so the inter-key timeout and shutdown are noticed promptly.
    auto read = m_device->interrupt_read(m_endpoint, report, std::chrono::milliseconds(20));
    auto now = ScanAssembler::Clock::now();
    if (!read) {
      if (read.error().code == Errc::timeout) {
        if (auto scan = m_assembler.idle(now)) deliver(std::move(*scan));
        continue;
      }
      if (read.error().code == Errc::not_found || ++failures > 10) {
        m_log.warn("scanner stopped: {}", read.error().describe());
        if (m_on_stop)
          m_loop.post([listener = m_on_stop, error = read.error()] { listener(error); });
        break;
      }
      // A STALL leaves the endpoint halted until the host clears it: without this every
      // further read fails and the scanner is given up for a glitch. Failures still count, so
      // an endpoint that stalls again at once ends as stopped, not as a busy loop.
      if (read.error().code == Errc::device) {
        if (auto cleared = m_device->clear_halt(m_endpoint); !cleared)
          m_log.warn("clearing the scanner's halted endpoint: {}", cleared.error().describe());
      }
      continue;
    }
    failures = 0;
    pressed.clear();
    m_decoder.feed(std::span<const std::uint8_t>(report.data(), *read), pressed);
    secure_wipe(report.data(), report.size());
    for (const auto& press : pressed) {
      if (auto scan = m_assembler.key(press, now)) deliver(std::move(*scan));
    }
    secure_wipe(pressed.data(), pressed.size() * sizeof(KeyPress));
  }
  m_decoder.wipe();
}

Expected<std::pair<std::uint16_t, std::uint16_t>> parse_scanner_uri(std::string_view uri) {
  unsigned vid = 0;
  unsigned pid = 0;
  std::string_view id = uri.starts_with("hid://") ? uri.substr(6) : std::string_view{};
  bool ok = id.size() == 9 && id[4] == ':' &&
            std::from_chars(id.data(), id.data() + 4, vid, 16).ec == std::errc() &&
            std::from_chars(id.data() + 5, id.data() + 9, pid, 16).ec == std::errc();
  if (!ok) return fail(Errc::config, fmt::format("scanner \"{}\": expected hid://VVVV:PPPP", uri));
  return std::pair{static_cast<std::uint16_t>(vid), static_cast<std::uint16_t>(pid)};
}

Expected<std::unique_ptr<HidScanner>> open_scanner(std::string_view uri, UsbContext& usb,
                                                   EventLoop& loop, Log log,
                                                   HidScannerOptions options,
                                                   HidScanner::ScanListener on_scan,
                                                   HidScanner::StopListener on_stop) {
  auto id = parse_scanner_uri(uri);
  if (!id) return std::unexpected(id.error());
  auto devices = usb.list_devices();
  if (!devices) return std::unexpected(devices.error());
  for (const auto& device : *devices) {
    if (device.vendor_id != id->first || device.product_id != id->second) continue;
    auto opened = usb.open_device(device);
    if (!opened) return std::unexpected(opened.error());
    return HidScanner::open(std::move(*opened), loop, std::move(log), options, std::move(on_scan),
                            std::move(on_stop));
  }
  return fail(Errc::not_found,
              fmt::format("scanner {} is not connected (or not in usb.allow)", uri));
}

}  // namespace shubbak
