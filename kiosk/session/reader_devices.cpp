#include "kiosk/session/reader_devices.hpp"

#include <fmt/format.h>

#include "kiosk/loop/event_loop.hpp"

namespace shubbak {

Expected<std::unique_ptr<ReaderDevices>> ReaderDevices::open(
    const Config& config, const std::filesystem::path& assets_dir, EventLoop& loop,
    WorkerPool& card_lane, WorkerPool& scanner_lane, Log log, Listeners listeners) {
  std::unique_ptr<ReaderDevices> devices(
      new ReaderDevices(loop, scanner_lane, log.child("scanner")));
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
      std::make_unique<CardService>(std::move(reader), card_lane, loop, log.child("card"));
  if (ccid) {
    // Readers present now are reported as arrivals, so one plugged in at boot is attached too.
    devices->m_supervisor = std::make_unique<CardReaderSupervisor>(
        *devices->m_usb, loop, card_lane, *devices->m_card, config.card.reader, log.child("card"));
    if (auto started = devices->m_supervisor->start(std::move(listeners.on_card_reader));
        !started) {
      return std::unexpected(started.error());
    }
  }
  if (scanner) {
    auto layout = parse_keyboard_layout(config.scanner.layout);
    if (!layout) return std::unexpected(layout.error());
    if (auto uri = parse_scanner_uri(config.scanner.reader); !uri)
      return std::unexpected(uri.error());
    devices->m_scanner_uri = config.scanner.reader;
    devices->m_scanner_options.layout = *layout;
    devices->m_scanner_options.inter_key_timeout =
        std::chrono::milliseconds(config.scanner.end_of_scan_ms);
    devices->m_on_scan = std::move(listeners.on_scan);
    devices->m_on_scanner = std::move(listeners.on_scanner);
    devices->look_for_scanner();
  }
  return devices;
}

// What an open on the scanner lane hands back. The context is declared first so that it is
// destroyed last: a scanner whose owner went away meanwhile is closed before its context.
struct ReaderDevices::OpenedScanner {
  std::shared_ptr<UsbContext> usb;
  std::uint64_t generation = 0;
  Expected<std::unique_ptr<HidScanner>> scanner;
};

void ReaderDevices::look_for_scanner() {
  if (m_scanner || m_scanner_opening) return;
  m_scanner_opening = true;
  std::uint64_t generation = ++m_scanner_generation;
  auto on_stop = [this, alive = m_alive.token(), generation](Error error) {
    if (alive.lock()) scanner_stopped(generation, error);
  };
  bool submitted = run_on_lane(
      m_scanner_lane, m_loop, m_alive.token(),
      [usb = m_usb, &loop = m_loop, uri = m_scanner_uri, log = m_log, options = m_scanner_options,
       on_scan = m_on_scan, on_stop = std::move(on_stop), generation]() mutable {
        auto scanner =
            open_scanner(uri, *usb, loop, log, options, std::move(on_scan), std::move(on_stop));
        return OpenedScanner{std::move(usb), generation, std::move(scanner)};
      },
      [this](OpenedScanner opened) { scanner_opened(std::move(opened)); });
  if (!submitted) m_scanner_opening = false;  // the kiosk is stopping
}

void ReaderDevices::scanner_opened(OpenedScanner opened) {
  m_scanner_opening = false;
  if (!opened.scanner) {
    // Logged once per outage, and again only for a new reason it cannot be opened (a device
    // that is there but refused), never at every look.
    const Error& error = opened.scanner.error();
    if (!m_scanner_away_logged) {
      m_log.warn("scanner not available ({}); looking for it every {} ms", error.message,
                 k_scanner_retry.count());
    } else if (error.code != Errc::not_found && error.message != m_scanner_last_error) {
      m_log.warn("scanner cannot be opened: {}", error.describe());
    }
    m_scanner_away_logged = true;
    m_scanner_last_error = error.message;
    retry_scanner_until_back();
    return;
  }
  m_scanner = std::move(*opened.scanner);
  if (m_scanner_retry) m_loop.cancel_timer(*m_scanner_retry);
  m_scanner_retry.reset();
  if (m_scanner_away_logged) m_log.info("scanner back: {}", m_scanner_uri);
  m_scanner_away_logged = false;
  m_scanner_last_error.clear();
  m_on_scanner(true);
}

void ReaderDevices::scanner_stopped(std::uint64_t generation, const Error& error) {
  if (generation != m_scanner_generation || !m_scanner) return;  // an earlier scanner's report
  // The scanner's reading thread has ended: destroying it only joins that thread.
  m_scanner.reset();
  m_on_scanner(false);
  m_scanner_away_logged = true;
  m_scanner_last_error = error.message;
  m_log.warn("scanner gone ({}); looking for it every {} ms", error.message,
             k_scanner_retry.count());
  retry_scanner_until_back();
}

void ReaderDevices::retry_scanner_until_back() {
  if (m_scanner_retry) return;
  // The timer only hands the look to the scanner lane; one look at a time.
  m_scanner_retry = m_loop.add_repeating_timer(k_scanner_retry, [this] { look_for_scanner(); });
}

ReaderDevices::~ReaderDevices() {
  if (m_scanner_retry) m_loop.cancel_timer(*m_scanner_retry);
  m_scanner.reset();
  m_supervisor.reset();
  m_card.reset();
}

}  // namespace shubbak
