// Bounded waiting for an outbox to drain, for upload tests.
#pragma once

#include <chrono>
#include <thread>

#include "kiosk/store/transaction_store.hpp"
#include "kiosk/sync/outbox_uploader.hpp"

namespace shubbak::testing {

// True once the store has nothing pending, false after `limit`.
inline bool wait_until_drained(TransactionStore& store, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto health = store.health();
    if (health && health->queue_depth == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

inline OutboxUploader::Options fast_upload_options(const std::string& url) {
  OutboxUploader::Options options;
  options.portal_url = url;
  options.kiosk_id = "kiosk-7";
  options.version = "test";
  options.backoff_initial = std::chrono::milliseconds(20);
  options.backoff_max = std::chrono::milliseconds(200);
  options.idle_recheck = std::chrono::milliseconds(50);
  options.request_timeout = std::chrono::milliseconds(10'000);
  return options;
}

}  // namespace shubbak::testing
