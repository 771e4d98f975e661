// The transaction record: what a citizen's submitted service request leaves behind, and what the
// portal receives. The canonical form is a JSON object with sorted keys and no spaces; the
// device signature covers exactly those bytes, and the portal checks them as received.
//
// Format version 1, every key always present:
//   {"amount": {"currency": "<ISO 4217 code, or \"\">", "minor_units": <integer >= 0>},
//    "boot_id": "<1-128 chars>", "fields": {"<name>": "<value>", ...},
//    "id": "<UUIDv7>", "kiosk_id": "<kiosk id, kiosk/core/kiosk_id.hpp>",
//    "payment_reference": "<terminal or payment reference, or \"\">", "sequence": <integer >= 1>,
//    "service": {"id": "<1-128 chars>", "version": "<1-128 chars>"}, "v": 1,
//    "wall_ms": <Unix ms, >= 0>}
// No payment (a free service) is exactly "amount": {"currency": "", "minor_units": 0} with
// "payment_reference": "" (is_no_payment() in kiosk/core/money.hpp); any other amount names a
// currency Shubbak knows and is not negative. Field names are 1-128 characters, at most 200
// fields, values at most 4096 bytes; no string anywhere holds a card-number-shaped run of
// digits. validate_record() is the rule; the kiosk's store and the portal both apply it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/core/money.hpp"
#include "kiosk/core/record_rules.hpp"
#include "kiosk/crypto/bytes.hpp"

namespace shubbak {

inline constexpr int k_record_format_version = 1;

// What the workflow engine hands to the store at `submit`.
struct TransactionDraft {
  std::string service_id;         // e.g. "health.appointment"
  std::string service_version;    // the signed bundle's version
  Money amount;                   // no payment (is_no_payment()) for free services
  std::string payment_reference;  // the terminal's approval reference, if paid; never a card number
  std::vector<std::pair<std::string, std::string>> fields;  // the form's answers, by field name
};

struct TransactionRecord {
  std::string id;  // UUIDv7
  std::string kiosk_id;
  std::int64_t sequence = 0;  // per kiosk, strictly increasing, never reused
  std::int64_t wall_ms = 0;   // Unix milliseconds when committed (may jump: order by sequence)
  std::string boot_id;        // /proc/sys/kernel/random/boot_id of the boot that committed it
  std::string service_id;
  std::string service_version;
  Money amount;
  std::string payment_reference;
  std::vector<std::pair<std::string, std::string>> fields;

  std::string canonical;  // the signed bytes (canonical JSON of everything above)
  Bytes signature;        // Ed25519 by the device key over `canonical`
};

// Refuses drafts the store must never keep: empty or over-long ids, unknown currency, negative
// amounts, and any value that looks like a payment card number (13 to 19 digits passing Luhn).
Expected<void> validate_draft(const TransactionDraft& draft);

// Everything validate_draft() checks, and what the store adds: a UUIDv7 id, a valid kiosk id,
// a sequence from 1, a wall time from 0, a boot id of 1 to 128 characters, no card-number-shaped
// value in any string. The portal refuses a record that fails it.
Expected<void> validate_record(const TransactionRecord& record);

// The largest canonical record the portal takes (a draft at every limit stays well under it).
inline constexpr std::size_t k_max_record_bytes = 1024 * 1024;

// The canonical JSON of `record` (its `canonical` and `signature` are ignored).
std::string canonical_json(const TransactionRecord& record);

// Parses canonical JSON back into a record (signature left empty); the portal's view.
Expected<TransactionRecord> parse_record(std::string_view canonical);

// looks_like_card_number() and the record's limits: kiosk/core/record_rules.hpp.

// The kernel's id of this boot, or "unknown" when /proc does not say.
std::string read_boot_id();

}  // namespace shubbak
