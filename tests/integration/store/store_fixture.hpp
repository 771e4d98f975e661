// A real transaction store in a temporary directory, with its device key, for integration tests.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <memory>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace shubbak::testing {

inline TransactionDraft sample_draft(int n = 0) {
  TransactionDraft draft;
  draft.service_id = "health.appointment";
  draft.service_version = "2.1.0";
  draft.amount = Money{1250 + n, "OMR"};
  draft.payment_reference = "APPROVAL-" + std::to_string(n);
  draft.fields = {{"clinic", "مستشفى النهضة"}, {"slot", "2026-11-22T09:30"}};
  return draft;
}

class StoreFixture {
 public:
  StoreFixture() : m_logger(LogLevel::error) {
    auto key = DeviceKey::load_or_create(m_dir / "device-key.pem");
    REQUIRE(key);
    m_key = std::move(*key);
  }

  TransactionStore::Options options() {
    TransactionStore::Options o;
    o.path = db_path();
    o.kiosk_id = "kiosk-7";
    o.device_key = m_key.get();
    o.min_free_bytes = 0;
    o.wall_clock_ms = [this] { return m_wall_ms.load(); };
    return o;
  }

  std::unique_ptr<TransactionStore> open() { return open(options()); }
  std::unique_ptr<TransactionStore> open(TransactionStore::Options o) {
    auto store = TransactionStore::open(std::move(o), Log(m_logger, "store"));
    REQUIRE_MESSAGE(store, (store ? "" : store.error().describe()));
    return std::move(*store);
  }

  std::filesystem::path db_path() const { return m_dir / "journal.db"; }
  const TempDir& dir() const { return m_dir; }
  const DeviceKey& key() const { return *m_key; }
  Logger& logger() { return m_logger; }
  // The injected wall clock, in Unix ms; tests move it to jump time.
  std::atomic<std::int64_t>& wall_ms() { return m_wall_ms; }

 private:
  TempDir m_dir;
  Logger m_logger;
  std::unique_ptr<DeviceKey> m_key;
  std::atomic<std::int64_t> m_wall_ms{1'795'000'000'000};
};

}  // namespace shubbak::testing
