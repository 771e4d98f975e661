// Every payment the kiosk starts, written down before the terminal sees it and updated with the
// terminal's answer, one small file per payment, replaced atomically (write, fsync, rename,
// fsync the directory): a power cut leaves the old record or the new one, never half of one.
// Holds no card data and no citizen data: reference, amount, service, status.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "drivers/payment/payment_terminal.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

struct PaymentIntent {
  std::string reference;
  Money amount;
  std::string service_id;
  PaymentStatus status = PaymentStatus::unknown;  // unknown: sent, no answer heard yet
  std::string terminal_reference;
};

class PaymentJournal {
 public:
  static Expected<PaymentJournal> open(const std::filesystem::path& directory);

  Expected<void> record(const PaymentIntent& intent);
  // The payments whose session never reached its transaction, oldest first.
  Expected<std::vector<PaymentIntent>> open_intents() const;
  // The payment is part of a stored transaction (or was reversed): forget it.
  Expected<void> close(const std::string& reference);

 private:
  explicit PaymentJournal(std::filesystem::path directory) : m_directory(std::move(directory)) {}
  std::filesystem::path m_directory;
};

}  // namespace shubbak
