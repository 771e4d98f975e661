#include "kiosk/session/reader_devices.hpp"

#include <fmt/format.h>

#include "kiosk/loop/event_loop.hpp"

namespace shubbak {

Expected<std::unique_ptr<ReaderDevices>> ReaderDevices::open(
    const Config& config, const std::filesystem::path& assets_dir, EventLoop& loop,
    WorkerPool& workers, Log log, Listeners listeners) {
  std::unique_ptr<ReaderDevices> devices(new ReaderDevices(loop, log.child("scanner")));
  auto profile = load_card_profile(assets_dir / "card-profiles" / (config.card.profile + ".json"));
  if (!profile) return std::unexpected(profile.error());
  devices->m_profile = std::move(*profile);

  bool ccid = config.card.reader.starts_with("ccid://");
  bool scanner = config.scanner.reader != "none";
  if (ccid || scanner) {
    auto allow = UsbAllowList::parse(config.usb.allow);
    if (!allow) return std::unexpected(allow.error());
    auto usb = UsbContext::open(log.child("usb"), std::move(*allow));
    if (!usb) return std::unexpected(usb.error());
    devices->m_usb = std::move(*usb);
  }

  std::unique_ptr<CardReader> reader;
  if (!ccid) {
    auto opened = open_card_reader(config.card.reader, nullptr, log.child("card"));
    if (!opened) return std::unexpected(opened.error());
    reader = std::move(*opened);
  }
  devices->m_card =
      std::make_unique<CardService>(std::move(reader), workers, loop, log.child("card"));
  if (ccid) {
    // Readers present now are reported as arrivals, so one plugged in at boot is attached too.
    devices->m_supervisor = std::make_unique<CardReaderSupervisor>(
        *devices->m_usb, loop, workers, *devices->m_card, config.card.reader, log.child("card"));
    if (auto started = devices->m_supervisor->start(std::move(listeners.on_card_reader));
        !started) {
      return std::unexpected(started.error());
    }
  }
  if (scanner) {
    auto layout = parse_keyboard_layout(config.scanner.layout);
    if (!layout) return std::unexpected(layout.error());
    devices->m_scanner_uri = config.scanner.reader;
    devices->m_scanner_options.layout = *layout;
    devices->m_scanner_options.inter_key_timeout =
        std::chrono::milliseconds(config.scanner.end_of_scan_ms);
    devices->m_on_scan = std::move(listeners.on_scan);
    devices->m_on_scanner = std::move(listeners.on_scanner);
    if (auto opened = devices->open_scanner_now(); !opened) return std::unexpected(opened.error());
  }
  return devices;
}

Expected<void> ReaderDevices::open_scanner_now() {
  auto opened = open_scanner(m_scanner_uri, *m_usb, m_loop, m_log, m_scanner_options, m_on_scan,
                             [this, alive = m_alive.token()](Error error) {
                               if (alive.lock()) scanner_stopped(error);
                             });
  if (!opened) return std::unexpected(opened.error());
  m_scanner = std::move(*opened);
  return {};
}

void ReaderDevices::scanner_stopped(const Error& error) {
  // The scanner's reading thread has ended: destroying it only joins that thread.
  m_scanner.reset();
  m_on_scanner(false);
  if (m_scanner_retry) return;
  m_log.warn("scanner gone ({}); looking for it every {} ms", error.message,
             k_scanner_retry.count());
  m_scanner_retry = m_loop.add_repeating_timer(k_scanner_retry, [this] {
    if (auto opened = open_scanner_now(); !opened) return;  // not back yet
    m_loop.cancel_timer(*m_scanner_retry);
    m_scanner_retry.reset();
    m_log.info("scanner back: {}", m_scanner_uri);
    m_on_scanner(true);
  });
}

ReaderDevices::~ReaderDevices() {
  if (m_scanner_retry) m_loop.cancel_timer(*m_scanner_retry);
  m_scanner.reset();
  m_supervisor.reset();
  m_card.reset();
}

}  // namespace shubbak
