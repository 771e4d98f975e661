// What an ID card says about its holder, as the workflow's read_id_card step receives it.
// Citizen data: it lives in memory only until the transaction is submitted or the session is
// wiped, and its destructor overwrites it. Never log it.
#pragma once

#include <string>

namespace shubbak {

struct IdentityRecord {
  std::string id_number;  // national / civil id number, digits
  std::string name_ar;    // UTF-8
  std::string name_en;
  std::string birth_date;   // YYYY-MM-DD
  std::string expiry_date;  // YYYY-MM-DD
  std::string nationality;  // ISO 3166 alpha-3 when the card has it, else empty
  std::string card_uid;     // hex, contactless cards only

  IdentityRecord() = default;
  IdentityRecord(const IdentityRecord&) = default;
  IdentityRecord& operator=(const IdentityRecord&) = default;
  IdentityRecord(IdentityRecord&&) noexcept = default;
  IdentityRecord& operator=(IdentityRecord&&) noexcept = default;
  ~IdentityRecord() { wipe(); }

  void wipe();
  // "true" when the card's expiry date is before `today` (YYYY-MM-DD).
  bool expired_on(const std::string& today) const {
    return !expiry_date.empty() && expiry_date < today;
  }
};

}  // namespace shubbak
