// Security-relevant events into the store's hash-chained audit log (kiosk/store/audit_log.hpp),
// written on the store's lane so the UI never waits for the fsync, in the order recorded. Details
// are facts about the kiosk (service ids, results, device names, error kinds), never citizen data.
// With the store out of service, events go to the log only.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "kiosk/core/log.hpp"
#include "kiosk/loop/lane.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak {

class AuditTrail {
 public:
  AuditTrail(TransactionStore* store, Lane& store_lane, Log log)
      : m_store(store), m_lane(store_lane), m_log(std::move(log)) {}

  // Any thread. `detail` becomes a JSON object of strings.
  void record(std::string_view kind,
              std::initializer_list<std::pair<std::string_view, std::string>> detail);

 private:
  TransactionStore* m_store;
  Lane& m_lane;
  Log m_log;
};

}  // namespace shubbak
