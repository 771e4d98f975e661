// A semi-integrated payment terminal: the kiosk sends an amount and its own reference; the
// terminal talks to the card and the bank and answers approved, declined, cancelled or nothing
// (timeout). The kiosk never sees a card number: at most the masked one the terminal prints.
//
// A terminal is idempotent by reference: paying again with a reference it has approved answers
// that approval, not a second charge. Calls block: run them on a worker.
#pragma once

#include <memory>
#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/core/money.hpp"

namespace shubbak {

struct PaymentRequest {
  Money amount;
  std::string reference;  // the kiosk's, unique per payment attempt
};

enum class PaymentStatus { approved, declined, cancelled, timeout, unknown, reversed };

std::string_view to_string(PaymentStatus status);

struct PaymentResult {
  PaymentStatus status = PaymentStatus::unknown;
  std::string terminal_reference;  // the acquirer's reference, for reconciliation
  std::string masked_card;         // "**** **** **** 1234", never more
};

class PaymentTerminal {
 public:
  virtual ~PaymentTerminal() = default;
  // Asks the citizen to pay `request.amount`; waits for the terminal's answer.
  virtual Expected<PaymentResult> pay(const PaymentRequest& request) = 0;
  // What the terminal knows of `reference`: approved, declined..., or unknown if it never saw it.
  virtual Expected<PaymentResult> status(const std::string& reference) = 0;
  // Voids an approved payment (the citizen is not charged).
  virtual Expected<void> reverse(const std::string& reference) = 0;
};

}  // namespace shubbak
