// Technician PINs stored as salted, deliberately slow hashes: scrypt (OpenSSL 3 EVP_KDF "SCRYPT")
// in a self-describing string, so the cost can be raised later without breaking stored hashes:
//
//   scrypt$ln=15$r=8$p=1$<salt, base64>$<hash, base64>
//
// ln=15 is N = 32768; with r=8 one verification needs 32 MiB and about a tenth of a second, which
// makes guessing a 6-digit PIN offline from a stolen config slow, and online the lockout stops it.
//
// Threading: pure functions, any thread. They are slow on purpose: never call them on the UI
// thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

struct ScryptCost {
  int log2_n = 15;  // N = 2^log2_n
  int r = 8;
  int p = 1;
};

struct PinHash {
  ScryptCost cost;
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes
};

// A technician PIN: 6 to 12 ASCII digits. Errc::invalid_argument otherwise (the message never
// repeats the PIN).
Expected<void> check_pin_format(std::string_view pin);

// Hashes `pin` with a fresh random salt; returns the encoded string.
Expected<std::string> hash_pin(std::string_view pin, ScryptCost cost = {});

// Parses an encoded hash; Errc::parse names what is wrong (never the hash itself).
Expected<PinHash> parse_pin_hash(std::string_view encoded);

// Whether `pin` matches `encoded`. The derived and stored hashes are compared in constant time
// (CRYPTO_memcmp), so timing says nothing of how many bytes matched. A malformed `encoded` is an
// error, never "false", so a broken configuration cannot pass for a wrong PIN.
Expected<bool> verify_pin(std::string_view pin, std::string_view encoded);

// Any other secret in the same encoding (the portal console's admin passwords): 1 to
// k_max_secret_bytes bytes of anything, no format beyond that.
inline constexpr std::size_t k_max_secret_bytes = 1024;
Expected<void> check_secret_format(std::string_view secret);
Expected<std::string> hash_secret(std::string_view secret, ScryptCost cost = {});
Expected<bool> verify_secret(std::string_view secret, std::string_view encoded);

// The comparison verify_pin uses: constant time for equal lengths; false for different lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace shubbak
