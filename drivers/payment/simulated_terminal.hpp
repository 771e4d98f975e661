// The demo's and the tests' payment terminal (sim://): approves by default, and can be told to
// decline, be cancelled by the citizen, time out, or approve and then fail to answer (a power
// cut after the bank said yes) for the next payment. Keeps its own ledger, idempotent by
// reference, like a real terminal. Thread-safe.
//
// With a ledger file the ledger survives the kiosk's process: every charge and reversal is
// appended and synced before the terminal answers, as a real terminal's own memory outlives a
// kiosk that crashes (the crash matrix reads it as the ground truth).
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#include "drivers/payment/payment_terminal.hpp"

namespace shubbak {

class SimulatedTerminal final : public PaymentTerminal {
 public:
  enum class Next { approve, decline, cancel, time_out, approve_then_lose_answer, fail };

  explicit SimulatedTerminal(std::chrono::milliseconds latency = std::chrono::milliseconds(0));
  // With a durable ledger in `ledger_file` (created if missing; its entries are loaded).
  SimulatedTerminal(std::chrono::milliseconds latency, std::filesystem::path ledger_file);

  void set_next(Next behaviour);
  int charges() const;  // approved payments not reversed: what the citizen's bank sees

  struct LedgerEntry {
    std::string reference;
    PaymentStatus status = PaymentStatus::unknown;  // approved, declined, cancelled or reversed
    Money amount;
  };
  std::vector<LedgerEntry> ledger() const;

  Expected<void> open() override;
  void close() override;
  DeviceStatus device_status() const override;
  Expected<PaymentResult> pay(const PaymentRequest& request) override;
  Expected<PaymentResult> status(const std::string& reference) override;
  Expected<void> reverse(const std::string& reference) override;

 private:
  struct Entry {
    PaymentResult result;
    Money amount;
  };
  // Appends one line to the ledger file and syncs it (no file: nothing to do).
  Expected<void> append(const std::string& line);
  std::filesystem::path m_ledger_file;
  mutable std::mutex m_mutex;
  std::chrono::milliseconds m_latency;
  Next m_next = Next::approve;
  std::map<std::string, Entry> m_ledger;
  int m_sequence = 0;
  bool m_open = true;  // a simulated terminal needs no connection: open from the start
  std::atomic<bool> m_busy = false;  // a payment is in progress
};

}  // namespace shubbak
