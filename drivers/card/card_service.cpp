#include "drivers/card/card_service.hpp"

#include <algorithm>
#include <charconv>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "drivers/card/ccid_reader.hpp"
#include "drivers/card/sim/sim_card_reader.hpp"
#include "drivers/usb/usb_context.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/lane.hpp"

namespace shubbak {

CardService::CardService(std::unique_ptr<CardReader> reader, WorkerPool& workers, EventLoop& loop,
                         Log log)
    : m_reader(std::move(reader)), m_workers(workers), m_loop(loop), m_log(std::move(log)) {}

CardService::~CardService() {
  m_stop = true;
  if (m_presence.joinable()) m_presence.join();
  // Work already submitted holds its own reference to the reader; wait for it to finish so
  // no card exchange outlives the service.
  for (int i = 0; i < 3000 && *m_in_flight > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

std::shared_ptr<CardReader> CardService::current_reader() const {
  std::lock_guard lock(m_reader_mutex);
  return m_reader;
}

bool CardService::has_reader() const {
  return current_reader() != nullptr;
}

void CardService::replace_reader(std::unique_ptr<CardReader> reader) {
  bool attached = reader != nullptr;
  std::shared_ptr<CardReader> old;
  {
    std::lock_guard lock(m_reader_mutex);
    old = std::exchange(m_reader, std::shared_ptr<CardReader>(std::move(reader)));
  }
  m_log.info("card reader {}", attached ? "attached" : "detached");
}

void CardService::read_identity(CardProfile profile, IdentityCallback done) {
  if (m_in_flight->fetch_add(1) > 0) {
    m_in_flight->fetch_sub(1);
    m_loop.post([done = std::move(done)] {
      done(fail(Errc::cancelled, "a card read is already running"));
    });
    return;
  }
  auto reader = current_reader();
  if (!reader) {
    m_in_flight->fetch_sub(1);
    m_loop.post(
        [done = std::move(done)] { done(fail(Errc::not_found, "no card reader is connected")); });
    return;
  }
  auto in_flight = m_in_flight;
  Log log = m_log;
  // The service waits for its read in flight before it goes, so the answer always has a home.
  bool submitted = run_on_lane(
      m_workers, m_loop, m_alive.token(),
      [reader, in_flight, log, limit = m_max_read_time, profile = std::move(profile)] {
        auto started = std::chrono::steady_clock::now();
        // The limit holds the clean-up of a read that runs out too (at most half of it).
        auto reserve = std::min(reader->cleanup_reserve(), limit / 2);
        reader->set_deadline(started + limit - reserve);
        auto result = shubbak::read_identity(*reader, profile);
        reader->set_deadline(std::nullopt);
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        // Log the outcome, never the data.
        if (result)
          log.info("card read with profile {} in {} ms", profile.id, took.count());
        else
          log.warn("card read with profile {} failed: {}", profile.id, result.error().describe());
        in_flight->fetch_sub(1);
        return result;
      },
      std::move(done));
  if (!submitted) {
    m_in_flight->fetch_sub(1);
    m_loop.post(
        [done = std::move(done)] { done(fail(Errc::cancelled, "the kiosk is shutting down")); });
  }
}

void CardService::watch_presence(PresenceCallback on_change) {
  if (m_presence.joinable()) return;
  m_presence = std::thread([this, on_change = std::move(on_change)] {
    int failures = 0;
    while (!m_stop) {
      auto reader = current_reader();
      if (!reader) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      auto change = reader->wait_for_card_change(std::chrono::milliseconds(200));
      if (!change) {
        // An unplugged reader fails until it is replaced; keep watching for its successor.
        if (++failures == 1) m_log.warn("card presence: {}", change.error().describe());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      failures = 0;
      if (*change) {
        // A storm of changes (a flapping contact, a hostile reader) posts at most one task
        // at a time: it reports the latest state, and only if it differs from the last one
        // reported, so the UI thread never has a queue of stale presences to work through.
        m_presence_latest = **change;
        if (!m_presence_posted.exchange(true)) {
          m_loop.post([this, on_change, alive = m_alive.token()] {
            if (!alive.lock()) return;
            m_presence_posted = false;
            bool present = m_presence_latest;
            if (m_presence_reported == std::optional<bool>(present)) return;
            m_presence_reported = present;
            on_change(present);
          });
        }
      }
    }
  });
}

namespace {

// "ccid://" (any reader: nullopt) or "ccid://VVVV:PPPP"; anything else is a config error.
Expected<std::optional<std::pair<unsigned, unsigned>>> parse_ccid_uri(std::string_view uri) {
  if (!uri.starts_with("ccid://")) {
    return fail(Errc::config,
                fmt::format("card reader \"{}\": expected sim://demo or ccid://[VID:PID]", uri));
  }
  std::string_view wanted = uri.substr(7);
  if (wanted.empty()) return std::nullopt;
  unsigned vid = 0;
  unsigned pid = 0;
  bool ok = wanted.size() == 9 && wanted[4] == ':' &&
            std::from_chars(wanted.data(), wanted.data() + 4, vid, 16).ec == std::errc() &&
            std::from_chars(wanted.data() + 5, wanted.data() + 9, pid, 16).ec == std::errc();
  if (!ok)
    return fail(Errc::config, fmt::format("card reader \"{}\": expected ccid://VVVV:PPPP", uri));
  return std::optional<std::pair<unsigned, unsigned>>(std::pair{vid, pid});
}

}  // namespace

bool ccid_uri_matches(std::string_view uri, const UsbDeviceInfo& device) {
  auto id = parse_ccid_uri(uri);
  if (!id || device.find_interface(usb_class::k_smart_card) == nullptr) return false;
  return !*id || ((*id)->first == device.vendor_id && (*id)->second == device.product_id);
}

Expected<std::unique_ptr<CardReader>> open_card_reader(std::string_view uri, UsbContext* usb,
                                                       Log log) {
  if (uri == "sim://demo") {
    return std::make_unique<SimCardReader>(SimulatedCard::demo_id_card(), true);
  }
  if (auto id = parse_ccid_uri(uri); !id) return std::unexpected(id.error());
  if (usb == nullptr) return fail(Errc::unsupported, "ccid:// readers need the USB stack");
  auto devices = usb->list_devices();
  if (!devices) return std::unexpected(devices.error());
  for (const auto& device : *devices) {
    if (!ccid_uri_matches(uri, device)) continue;
    auto opened = usb->open_device(device);
    if (!opened) return std::unexpected(opened.error());
    auto reader = CcidReader::open(std::move(*opened), log.child("ccid"));
    if (!reader) return std::unexpected(reader.error());
    return std::unique_ptr<CardReader>(std::move(*reader));
  }
  return fail(Errc::not_found, fmt::format("no allowed CCID reader matches {}", uri));
}

}  // namespace shubbak
