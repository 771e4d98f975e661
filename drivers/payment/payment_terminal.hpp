// A semi-integrated payment terminal: the kiosk sends an amount and its own reference; the
// terminal talks to the card and the bank and answers approved, declined, cancelled or nothing
// (timeout). The kiosk never sees a card number: at most the masked one the terminal prints.
//
// A terminal is idempotent by reference: paying again with a reference it has approved answers
// that approval, not a second charge. Calls block: run them on a worker.
#pragma once

#include <memory>
#include <string>

#include "kiosk/core/device_status.hpp"
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
  // Connects to the terminal (a serial line, a socket); pay() on a closed terminal fails.
  virtual Expected<void> open() = 0;
  virtual void close() = 0;
  // The terminal as a device (kiosk/core/device_status.hpp): online, busy with a citizen's
  // payment, offline. Does not block.
  virtual DeviceStatus device_status() const = 0;
  // Asks the citizen to pay `request.amount`; waits for the terminal's answer.
  virtual Expected<PaymentResult> pay(const PaymentRequest& request) = 0;
  // What the terminal knows of `reference`: approved, declined..., or unknown if it never saw it.
  virtual Expected<PaymentResult> status(const std::string& reference) = 0;
  // Voids an approved payment (the citizen is not charged).
  virtual Expected<void> reverse(const std::string& reference) = 0;
};

// Opens a terminal by URI: "sim://demo" (the simulated terminal, with a card holder's pause)
// or "none" (null: the kiosk takes no card payments). An unknown scheme is a configuration
// error. Real terminals (semi-integrated, over serial or TCP) come in as schemes of their own.
Expected<std::unique_ptr<PaymentTerminal>> open_payment_terminal(std::string_view uri);

}  // namespace shubbak
