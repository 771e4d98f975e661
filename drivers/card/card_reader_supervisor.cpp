#include "drivers/card/card_reader_supervisor.hpp"

#include <utility>

#include "drivers/card/ccid_reader.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/lane.hpp"
#include "kiosk/loop/worker_pool.hpp"

namespace shubbak {

using Place = std::pair<std::uint8_t, std::uint8_t>;  // bus, address

// Touched on the UI thread only (workers post back to it).
struct CardReaderSupervisor::State {
  bool alive = true;
  std::optional<Place> opening;       // a reader being opened on the lane
  bool opening_left = false;          // ... that was unplugged meanwhile
  std::optional<UsbDeviceInfo> next;  // the latest matching arrival while one was opening
  std::optional<Place> attached;
};

CardReaderSupervisor::CardReaderSupervisor(UsbContext& usb, EventLoop& loop, WorkerPool& workers,
                                           CardService& service, std::string uri, Log log)
    : m_usb(usb),
      m_loop(loop),
      m_workers(workers),
      m_service(service),
      m_uri(std::move(uri)),
      m_log(std::move(log)),
      m_state(std::make_shared<State>()) {}

CardReaderSupervisor::~CardReaderSupervisor() {
  m_state->alive = false;
  m_usb.stop_hotplug();
}

Expected<void> CardReaderSupervisor::start(ChangeCallback on_change) {
  m_on_change = std::move(on_change);
  return m_usb.watch_hotplug(m_loop, [this, state = m_state](const UsbHotplugEvent& event) {
    if (state->alive) on_hotplug(event);
  });
}

void CardReaderSupervisor::on_hotplug(const UsbHotplugEvent& event) {
  Place where{event.device.bus, event.device.address};
  if (event.kind == UsbHotplugEvent::Kind::left) {
    // In a storm the reader being opened, or one waiting its turn, may already be gone.
    if (m_state->opening == where) m_state->opening_left = true;
    if (m_state->next && Place{m_state->next->bus, m_state->next->address} == where)
      m_state->next.reset();
    if (m_state->attached != where) return;
    m_state->attached.reset();
    m_service.replace_reader(nullptr);
    m_log.warn("card reader {} unplugged", event.device.describe());
    if (m_on_change) m_on_change(false);
    return;
  }
  if (m_state->attached || !ccid_uri_matches(m_uri, event.device)) return;
  // One open at a time; the latest arrival meanwhile is opened after it, so the reader left
  // plugged in after a storm of arrivals and removals is the one attached.
  if (m_state->opening) {
    m_state->next = event.device;
    return;
  }
  open_reader(event.device);
}

void CardReaderSupervisor::open_reader(const UsbDeviceInfo& device) {
  Place where{device.bus, device.address};
  m_state->opening = where;
  m_state->opening_left = false;
  // The lane touches only what outlives the supervisor (the context, a log); the result comes
  // back through the loop, where `state` says whether anyone still cares.
  bool submitted = run_on_lane(
      m_workers, m_loop, m_alive.token(),
      [usb = &m_usb, log = m_log, device]() -> Expected<std::unique_ptr<CardReader>> {
        // Opening claims the interface and reads descriptors: USB I/O, so not on the UI thread.
        auto opened = usb->open_device(device);
        if (!opened) return std::unexpected(opened.error());
        auto ccid = CcidReader::open(std::move(*opened), log.child("ccid"));
        if (!ccid) return std::unexpected(ccid.error());
        return std::unique_ptr<CardReader>(std::move(*ccid));
      },
      [this, state = m_state, where,
       name = device.describe()](Expected<std::unique_ptr<CardReader>> reader) {
        if (!state->alive) return;
        state->opening.reset();
        if (state->opening_left) {
          m_log.warn("card reader {} was unplugged while it was being opened", name);
        } else if (!reader) {
          m_log.error("card reader {} could not be opened: {}", name, reader.error().describe());
        } else {
          state->attached = where;
          m_service.replace_reader(std::move(*reader));
          m_log.info("card reader {} attached", name);
          if (m_on_change) m_on_change(true);
        }
        if (!state->attached && state->next) open_reader(*std::exchange(state->next, std::nullopt));
        state->next.reset();
      });
  if (!submitted) m_state->opening.reset();
}

}  // namespace shubbak
