// Keeps the device hub's store status true to whether the transaction store can take a
// transaction now (TransactionStore::check_capacity: free space, a write probe, the database's
// page budget). The shell offers no service while it is not "ok", so a kiosk whose disk fills or
// turns read-only goes out of service before the next citizen begins, with the reason on screen
// and in the service manager's status, and comes back by itself once the store is well again.
//
// Checked before each session starts (check(), on the store's lane: a statvfs and one small
// synced write, never on the UI thread), after each commit by the store itself, and every
// `period` on the store's lane.
//
// Threading: UI thread; the checks run on the store's lane and post their result back.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "kiosk/core/device_status.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/lane.hpp"
#include "kiosk/loop/worker_pool.hpp"
#include "kiosk/session/device_hub.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak {

// The hub's status for a store out of service for `reason`: storage_full; storage_damaged
// (corrupt); offline (it does not take a write: unavailable).
DeviceStatus store_device_status(OutOfServiceReason reason);

class StoreWatch {
 public:
  // `store` null: the store never opened; the hub keeps what main set and nothing changes it.
  // `lane`: the store's lane (its executor), where the periodic check runs.
  StoreWatch(EventLoop& loop, WorkerPool& lane, TransactionStore* store, DeviceHub& devices,
             std::chrono::milliseconds period, Log log);
  ~StoreWatch();
  StoreWatch(const StoreWatch&) = delete;
  StoreWatch& operator=(const StoreWatch&) = delete;

  // Checks on the store's lane, updates the hub, then calls `done(can_store)` on the UI thread
  // (not when this watch is gone). `done` runs even without a store (with false).
  void check(std::function<void(bool)> done);
  // Starts the periodic check.
  void start();

 private:
  void publish(DeviceStatus status);

  EventLoop& m_loop;
  WorkerPool& m_workers;
  TransactionStore* m_store;
  DeviceHub& m_devices;
  std::chrono::milliseconds m_period;
  Log m_log;
  EventLoop::TimerId m_timer = 0;
  Liveness m_alive;
};

}  // namespace shubbak
