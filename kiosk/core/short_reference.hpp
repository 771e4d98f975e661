// The short human reference of a transaction: eight characters a citizen can read out to a
// counter or a help line ("K7QM-4TXZ"), beside the record's id (a UUIDv7, which stays the id).
//
// Alphabet: the 31 characters 2-9 and A-Z without I, L and O (no 0/O, 1/I/L look-alikes); 31 is
// prime. The first seven characters come from the transaction id (FNV-1a 64 of its text, taken
// modulo 31^7, most significant first); the eighth is a check character c chosen so that
//   sum over positions p = 1..8 of p * value(character p)  ≡ 0  (mod 31).
// Every weight 1..8 is non-zero modulo 31 and so is the difference of any two neighbours, so a
// single wrong character changes the sum by p * (a - b) and a swap of neighbours by
// (a - b) * 1, neither a multiple of 31 when a != b: both are always caught (tests/unit/core/
// short_reference_test.cpp checks every case exhaustively).
//
// The reference is derived, so the kiosk can always recompute it from the id; the portal keeps it
// beside each record it stores, to find a record from it. It is not unique across a whole fleet
// (31^7, about 2.7e10 values): a lookup can return more than one transaction, told apart by kiosk
// and time. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shubbak {

inline constexpr std::string_view k_short_reference_alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
inline constexpr std::size_t k_short_reference_length = 8;

// The reference of the transaction whose id is `transaction_id`, as the citizen sees it: eight
// characters of the alphabet, a hyphen after the fourth ("K7QM-4TXZ").
std::string short_reference(std::string_view transaction_id);

// The check character that completes the seven characters `body` (of the alphabet), or nullopt
// when `body` is not seven characters of the alphabet.
std::optional<char> short_reference_check(std::string_view body);

// True when `compact` is eight characters of the alphabet (no hyphen) whose check holds.
bool short_reference_valid(std::string_view compact);

// What a person typed, as eight upper-case characters without separators, when it is a valid
// reference: letters of either case; spaces and hyphens are ignored. nullopt otherwise.
std::optional<std::string> parse_short_reference(std::string_view typed);

}  // namespace shubbak
