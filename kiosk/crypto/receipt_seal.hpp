// The seal printed as a QR code on every receipt of a stored transaction: the facts a clerk or
// citizen needs to check (transaction, service, amount, time, kiosk), signed by the kiosk's
// Ed25519 device key, as text for a QR code's alphanumeric mode. Anyone holding the kiosk's
// public key verifies a receipt offline (`shubbakctl receipt verify`). The exact format is in
// RECEIPT_SEAL.md beside this file.
//
// Threading: free functions, safe from any thread; signing is a worker's job (see DeviceKey).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "kiosk/core/money.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"

namespace shubbak {

// Every seal's text starts with this; a later format takes "SR2:".
inline constexpr std::string_view k_receipt_seal_prefix = "SR1:";
// Bounds what a parser reads: the longest valid seal is 444 characters.
inline constexpr std::size_t k_receipt_seal_max_text = 450;

struct ReceiptFacts {
  std::string transaction_id;  // UUIDv7, canonical lower-case text
  std::string service_id;      // 1-128 printable ASCII characters, no spaces
  Money amount;                // a known ISO 4217 currency; free services: 0 and no currency
  std::int64_t wall_ms = 0;    // when the transaction was committed, Unix milliseconds
  std::string kiosk_id;        // 1-64 of A-Z a-z 0-9 - _ .
  friend bool operator==(const ReceiptFacts&, const ReceiptFacts&) = default;
};

// The QR text for `facts`, signed by `key`. Errc::invalid_argument for facts the format cannot
// carry (say, a transaction id that is not a UUIDv7).
Expected<std::string> seal_receipt(const ReceiptFacts& facts, const DeviceKey& key);

// A seal read back: its facts and what was signed, not yet checked against any key.
struct ReceiptSeal {
  ReceiptFacts facts;
  Bytes signed_message;  // the domain tag and the binary facts, exactly as signed
  Bytes signature;       // 64 bytes

  // Errc::integrity unless the signature is the holder of `public_key`'s (32 raw bytes).
  Expected<void> verify(std::span<const std::uint8_t> public_key) const;
};

// Strict and bounded: Errc::parse, with what is wrong, for anything but a well-formed seal
// (unknown prefix, bad base45, out-of-range or trailing fields, a signature of the wrong size).
Expected<ReceiptSeal> parse_receipt_seal(std::string_view text);

}  // namespace shubbak
