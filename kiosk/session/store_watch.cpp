#include "kiosk/session/store_watch.hpp"

namespace shubbak {

namespace {

// The store's latest conclusion, whichever check reached it (this one, a commit's, another
// thread's): never an older reading that a newer check has overtaken.
DeviceStatus status_of(const TransactionStore& store) {
  auto fault = store.out_of_service();
  return fault ? store_device_status(fault->reason) : DeviceStatus::online;
}

}  // namespace

DeviceStatus store_device_status(OutOfServiceReason reason) {
  switch (reason) {
    case OutOfServiceReason::storage_full:
      return DeviceStatus::storage_full;
    case OutOfServiceReason::storage_corrupt:
    case OutOfServiceReason::storage_missing:  // a technician decides: never cleared here
      return DeviceStatus::storage_damaged;
    case OutOfServiceReason::storage_unavailable:
      return DeviceStatus::offline;
  }
  return DeviceStatus::offline;
}

StoreWatch::StoreWatch(EventLoop& loop, WorkerPool& lane, TransactionStore* store,
                       DeviceHub& devices, std::chrono::milliseconds period, Log log)
    : m_loop(loop),
      m_workers(lane),
      m_store(store),
      m_devices(devices),
      m_period(period),
      m_log(std::move(log)) {}

StoreWatch::~StoreWatch() {
  if (m_timer) m_loop.cancel_timer(m_timer);
}

void StoreWatch::check(std::function<void(bool)> done) {
  if (!m_store) return done(false);
  TransactionStore* store = m_store;
  bool handed_over = run_on_lane(
      m_workers, m_loop, m_alive.token(),
      [store] {
        (void)store->check_capacity();
        return true;
      },
      [this, store, done](bool) {
        DeviceStatus status = status_of(*store);
        publish(status);
        done(status == DeviceStatus::online);
      });
  if (!handed_over) done(false);  // the kiosk is stopping: no new citizen
}

void StoreWatch::start() {
  if (!m_store || m_timer) return;
  m_timer = m_loop.add_repeating_timer(m_period, [this] { check([](bool) {}); });
}

void StoreWatch::publish(DeviceStatus status) {
  DeviceStatus before = m_devices.state(DeviceId::store).status;
  if (before == status) return;
  if (status == DeviceStatus::online) {
    m_log.info("the store can take transactions again");
  } else {
    m_log.error("the store cannot take a transaction ({}); no new citizen is served",
                to_string(status));
  }
  m_devices.set_status(DeviceId::store, status);
}

}  // namespace shubbak
