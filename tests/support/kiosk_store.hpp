// A kiosk's own journal and device key, opened from its data directory (the files the real
// `shubbak` binary used), for tests that check what the kiosk stored. Open it once the kiosk has
// stopped, or to seed the store before it starts.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak::testing {

struct KioskStore {
  Logger logger{LogLevel::error};
  std::unique_ptr<DeviceKey> key;
  std::unique_ptr<TransactionStore> store;

  KioskStore(const std::filesystem::path& data_dir, const std::string& kiosk_id) {
    std::filesystem::create_directories(data_dir);
    auto loaded = DeviceKey::load_or_create(data_dir / "device-key.pem");
    REQUIRE(loaded);
    key = std::move(*loaded);
    TransactionStore::Options options;
    options.path = data_dir / "journal.db";
    options.kiosk_id = kiosk_id;
    options.device_key = key.get();
    options.min_free_bytes = 0;
    auto opened = TransactionStore::open(options, Log(logger, "store"));
    REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().message));
    store = std::move(*opened);
  }

  // The transactions waiting in the outbox, oldest first.
  std::vector<TransactionRecord> transactions(std::size_t limit = 100) {
    auto batch = store->next_batch(limit);
    REQUIRE(batch);
    std::vector<TransactionRecord> records;
    for (const auto& item : *batch) {
      auto record = parse_record(item.record);
      REQUIRE(record);
      records.push_back(*record);
    }
    return records;
  }
};

}  // namespace shubbak::testing
