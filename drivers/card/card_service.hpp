// The card reader as the workflow sees it: read_identity() runs the profile on a worker and
// posts the result back to the event loop; card arrivals and removals are posted too.
// This is what the read_id_card step calls.
//
// Threading: construct, call and destroy on the UI thread. Callbacks run on the UI thread.
// The service must outlive nothing it posted: destroy it before the loop and the workers stop
// (it waits for its own work to finish).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "drivers/card/card_profile.hpp"
#include "drivers/card/card_reader.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/loop/lane.hpp"

namespace shubbak {

class EventLoop;
class WorkerPool;

class CardService {
 public:
  using IdentityCallback = std::function<void(Expected<IdentityRecord>)>;
  using PresenceCallback = std::function<void(bool card_present)>;

  // `reader` may be null: the service then answers "no card reader" until one is attached.
  CardService(std::unique_ptr<CardReader> reader, WorkerPool& workers, EventLoop& loop, Log log);
  ~CardService();
  CardService(const CardService&) = delete;
  CardService& operator=(const CardService&) = delete;

  // Reads the card on a worker; `done` runs on the UI thread, always later than this call.
  // One read at a time: a second call while one runs is answered with a `cancelled` error.
  void read_identity(CardProfile profile, IdentityCallback done);
  // Starts a thread that waits on the reader's card-change notifications.
  void watch_presence(PresenceCallback on_change);

  // Swaps the reader (null: none), as hot-plug supervision does. A read already running
  // finishes on the reader it started with.
  void replace_reader(std::unique_ptr<CardReader> reader);
  bool has_reader() const;
  // The most one whole card read may take, every exchange and the clean-up of a read that
  // ran out included; the card cannot extend it (10 s unless set). Applies to reads started
  // afterwards.
  void set_max_read_time(std::chrono::milliseconds limit) { m_max_read_time = limit; }

 private:
  std::shared_ptr<CardReader> current_reader() const;

  mutable std::mutex m_reader_mutex;
  std::shared_ptr<CardReader> m_reader;
  WorkerPool& m_workers;
  EventLoop& m_loop;
  Log m_log;
  std::shared_ptr<std::atomic<int>> m_in_flight = std::make_shared<std::atomic<int>>(0);
  std::atomic<bool> m_stop = false;
  std::chrono::milliseconds m_max_read_time{10000};
  std::thread m_presence;
  std::atomic<bool> m_presence_latest = false;  // the last change the reader reported
  std::atomic<bool> m_presence_posted = false;  // a task reporting it is on the loop
  std::optional<bool> m_presence_reported;      // UI thread: what on_change last heard
  Liveness m_alive;  // answers posted after the service is gone are dropped
};

// Opens a reader by URI: "sim://demo" (the simulated demo card, inserted), or "ccid://" (the
// first allowed CCID reader) or "ccid://VVVV:PPPP" (the first with that VID:PID).
class UsbContext;
struct UsbDeviceInfo;
Expected<std::unique_ptr<CardReader>> open_card_reader(std::string_view uri, UsbContext* usb,
                                                       Log log);
// Whether a USB device is a CCID reader a "ccid://[VVVV:PPPP]" URI names.
bool ccid_uri_matches(std::string_view uri, const UsbDeviceInfo& device);

}  // namespace shubbak
