// The console's transaction lookup: by the transaction id a receipt prints (a UUID), whole or
// its first 8 or more hex digits when only one stored id starts with them; or by the kiosk and
// the counter reference a citizen is given when the receipt did not print ("42", or "42-2" for
// a second receipt: the kiosk's sequence number of the transaction); or by the short reference
// the end screen and the receipt show ("K7QM-4TXZ", kiosk/core/short_reference.hpp), with or
// without the kiosk, listing every transaction that has it when several do. Shows the record as
// the kiosk signed and the portal stored it: the kiosk, the kiosk's and the portal's times, the
// service, the amount and the payment reference when it has them, and its fields (never a
// card-number-shaped value: records are refused with one, and the page masks them all the same).
//
// Threading: any thread; the store's calls are safe from any.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "provisioning/portal/console/console_pages.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal::console {

// Digits of a prefix before it may name a transaction: fewer would match too many to be useful.
inline constexpr std::size_t k_min_id_prefix_digits = 8;

// What an admin typed, as the canonical beginning of an id (lower case, hyphens where a UUID
// has them), or nullopt when it is not 8 to 32 hex digits (hyphens and spaces anywhere allowed).
std::optional<std::string> canonical_id_prefix(std::string_view typed);

// The sequence number in a counter reference ("42", "42-2"), or nullopt when it is not one.
std::optional<std::int64_t> counter_reference_sequence(std::string_view typed);

enum class LookupOutcome { found, malformed, unknown, ambiguous };

struct TransactionLookup {
  std::string typed;
  std::string kiosk_id;  // typed with a counter reference; empty for an id
  LookupOutcome outcome = LookupOutcome::malformed;
  std::optional<StoredTransaction> transaction;  // when found
  // Ambiguous by a short reference: every transaction that has it (at most 20).
  std::vector<StoredTransaction> candidates;
};

// `kiosk_id` empty: `typed` is a short reference, or else a transaction id or its beginning;
// with a kiosk id, a counter reference of that kiosk, or else a short reference of that kiosk.
Expected<TransactionLookup> look_up_transaction(PortalStore& portal, std::string_view typed,
                                                std::string_view kiosk_id);

// The lookup form, and the result when there is one.
std::string render_transaction_lookup(const PageContext& context,
                                      const std::optional<TransactionLookup>& lookup);

// The record's facts as table rows (HTML): shared with the receipt check, which shows the
// transaction a seal names.
std::string transaction_rows(const PageContext& context, const StoredTransaction& transaction);

}  // namespace shubbak::portal::console
