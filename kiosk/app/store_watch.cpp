#include "kiosk/app/store_watch.hpp"

namespace shubbak {

namespace {

// The store's latest conclusion, whichever check reached it (this one, a commit's, another
// thread's): never an older reading that a newer check has overtaken.
std::string state_of(const TransactionStore& store) {
  auto fault = store.out_of_service();
  return fault ? store_health_state(fault->reason) : "ok";
}

}  // namespace

std::string store_health_state(OutOfServiceReason reason) {
  std::string_view key = message_key(reason);
  return std::string(key.substr(key.find('.') + 1));
}

StoreWatch::StoreWatch(EventLoop& loop, WorkerPool& workers, TransactionStore* store,
                       DeviceHealthBoard& health, std::chrono::milliseconds period, Log log)
    : m_loop(loop),
      m_workers(workers),
      m_store(store),
      m_health(health),
      m_period(period),
      m_log(std::move(log)) {}

StoreWatch::~StoreWatch() {
  if (m_timer) m_loop.cancel_timer(m_timer);
}

bool StoreWatch::check_now() {
  if (!m_store) return false;
  (void)m_store->check_capacity();
  std::string state = state_of(*m_store);
  publish(state);
  return state == "ok";
}

void StoreWatch::start() {
  if (!m_store || m_timer) return;
  m_timer = m_loop.add_repeating_timer(m_period, [this] {
    TransactionStore* store = m_store;
    m_workers.submit([this, store, alive = std::weak_ptr<int>(m_alive)] {
      (void)store->check_capacity();
      m_loop.post([this, store, alive] {
        if (alive.lock()) publish(state_of(*store));
      });
    });
  });
}

void StoreWatch::publish(const std::string& state) {
  std::string before = m_health.state("store");
  if (before == state) return;
  if (state == "ok") {
    m_log.info("the store can take transactions again");
  } else {
    m_log.error("the store cannot take a transaction ({}); no new citizen is served", state);
  }
  m_health.set("store", state);
}

}  // namespace shubbak
