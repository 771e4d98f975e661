#include "drivers/card/card_service.hpp"

#include <charconv>
#include <thread>

#include <fmt/format.h>

#include "drivers/card/ccid_reader.hpp"
#include "drivers/card/sim/sim_card_reader.hpp"
#include "drivers/usb/usb_context.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"

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

void CardService::read_identity(CardProfile profile, IdentityCallback done) {
  if (m_in_flight->fetch_add(1) > 0) {
    m_in_flight->fetch_sub(1);
    m_loop.post([done = std::move(done)] {
      done(fail(Errc::cancelled, "a card read is already running"));
    });
    return;
  }
  auto reader = m_reader;
  auto in_flight = m_in_flight;
  auto& loop = m_loop;
  Log log = m_log;
  bool submitted = m_workers.submit([reader, in_flight, &loop, log, profile = std::move(profile),
                                     done = std::move(done)]() mutable {
    auto started = std::chrono::steady_clock::now();
    auto result = shubbak::read_identity(*reader, profile);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    // Log the outcome, never the data.
    if (result)
      log.info("card read with profile {} in {} ms", profile.id, took.count());
    else
      log.warn("card read with profile {} failed: {}", profile.id, result.error().describe());
    loop.post([done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
    in_flight->fetch_sub(1);
  });
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
      auto change = m_reader->wait_for_card_change(std::chrono::milliseconds(200));
      if (!change) {
        if (change.error().code == Errc::not_found || ++failures > 50) {
          m_log.warn("card presence watch stopped: {}", change.error().describe());
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      failures = 0;
      if (*change) {
        bool present = **change;
        m_loop.post([on_change, present] { on_change(present); });
      }
    }
  });
}

Expected<std::unique_ptr<CardReader>> open_card_reader(std::string_view uri, UsbContext* usb,
                                                       Log log) {
  if (uri == "sim://demo") {
    return std::make_unique<SimCardReader>(SimulatedCard::demo_id_card(), true);
  }
  if (!uri.starts_with("ccid://")) {
    return fail(Errc::config,
                fmt::format("card reader \"{}\": expected sim://demo or ccid://[VID:PID]", uri));
  }
  if (usb == nullptr) return fail(Errc::unsupported, "ccid:// readers need the USB stack");
  std::string_view wanted = uri.substr(7);
  std::optional<std::pair<unsigned, unsigned>> id;
  if (!wanted.empty()) {
    unsigned vid = 0;
    unsigned pid = 0;
    auto colon = wanted.find(':');
    bool ok = colon == 4 && wanted.size() == 9 &&
              std::from_chars(wanted.data(), wanted.data() + 4, vid, 16).ec == std::errc() &&
              std::from_chars(wanted.data() + 5, wanted.data() + 9, pid, 16).ec == std::errc();
    if (!ok)
      return fail(Errc::config, fmt::format("card reader \"{}\": expected ccid://VVVV:PPPP", uri));
    id = std::pair{vid, pid};
  }
  auto devices = usb->list_devices();
  if (!devices) return std::unexpected(devices.error());
  for (const auto& device : *devices) {
    if (device.find_interface(usb_class::k_smart_card) == nullptr) continue;
    if (id && (device.vendor_id != id->first || device.product_id != id->second)) continue;
    auto opened = usb->open_device(device);
    if (!opened) return std::unexpected(opened.error());
    auto reader = CcidReader::open(std::move(*opened), log.child("ccid"));
    if (!reader) return std::unexpected(reader.error());
    return std::unique_ptr<CardReader>(std::move(*reader));
  }
  return fail(Errc::not_found, fmt::format("no allowed CCID reader matches {}", uri));
}

}  // namespace shubbak
