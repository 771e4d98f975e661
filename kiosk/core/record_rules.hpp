// What a transaction record may hold: the limits and the card-number rule that the store applies
// at submit (kiosk/store/transaction_record.cpp), shared with the bundle checks and the workflow
// engine, so that a bundle that lints never produces a record refused after payment.
#pragma once

#include <cstddef>
#include <string_view>

namespace shubbak {

inline constexpr std::size_t k_max_record_id_bytes = 128;      // service id, version, field names
inline constexpr std::size_t k_max_record_field_bytes = 4096;  // each recorded answer
inline constexpr std::size_t k_max_record_fields = 200;

// True when `text` contains a run of 13-19 digits (single spaces or dashes allowed between
// them) that passes the Luhn check: what a payment card number looks like. Never stored.
bool looks_like_card_number(std::string_view text);

}  // namespace shubbak
