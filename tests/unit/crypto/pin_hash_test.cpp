// The technician PIN hash: scrypt through OpenSSL, self-describing, constant-time compared.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "kiosk/app/demo_defaults.hpp"
#include "kiosk/crypto/pin_hash.hpp"

using namespace shubbak;

namespace {
// The cheapest cost the parser accepts keeps the tests fast; the format is the same.
constexpr ScryptCost k_fast{10, 8, 1};
}  // namespace

TEST_CASE("a PIN hash round-trips and refuses a wrong PIN") {
  auto hash = hash_pin("482913", k_fast);
  REQUIRE(hash);
  CHECK(hash->starts_with("scrypt$ln=10$r=8$p=1$"));
  CHECK(hash->find("482913") == std::string::npos);
  CHECK(verify_pin("482913", *hash) == true);
  CHECK(verify_pin("482914", *hash) == false);
  CHECK(verify_pin("48291", *hash) == false);
  CHECK(verify_pin("", *hash) == false);
  // A fresh salt each time: the same PIN never gives the same string.
  auto again = hash_pin("482913", k_fast);
  REQUIRE(again);
  CHECK(*again != *hash);
  CHECK(verify_pin("482913", *again) == true);
}

TEST_CASE("the demo PIN matches the demo hash at the real cost") {
  CHECK(verify_pin(k_demo_technician_pin, k_demo_technician_pin_hash) == true);
  CHECK(parse_pin_hash(k_demo_technician_pin_hash)->cost.log2_n == 15);
}

TEST_CASE("PINs are 6 to 12 digits") {
  CHECK(check_pin_format("123456"));
  CHECK(check_pin_format("123456789012"));
  CHECK_FALSE(check_pin_format("12345"));
  CHECK_FALSE(check_pin_format("1234567890123"));
  CHECK_FALSE(check_pin_format("12345a"));
  CHECK_FALSE(hash_pin("12345", k_fast));
  CHECK(check_pin_format("12345").error().message.find("12345") == std::string::npos);
}

TEST_CASE("a malformed hash is an error, never a plain 'wrong PIN'") {
  auto good = *hash_pin("135790", k_fast);
  auto parts_at = good.rfind('$');
  for (std::string bad :
       {std::string(""), std::string("135790"), std::string("bcrypt$ln=10$r=8$p=1$a$b"),
        std::string("scrypt$ln=4$r=8$p=1") + good.substr(good.find("$p=1") + 4),  // too cheap
        std::string("scrypt$ln=10$r=8$p=1$!!!$AAAA"), good.substr(0, parts_at),
        good.substr(0, parts_at) + "$QUJD",  // a 3-byte hash
        "scrypt$ln=10$r=x$p=1$" + good.substr(good.find("$p=1$") + 5)}) {
    CAPTURE(bad);
    auto verified = verify_pin("135790", bad);
    REQUIRE_FALSE(verified);
    CHECK(verified.error().code == Errc::parse);
  }
}

TEST_CASE("the comparison is constant-time and used by verify_pin") {
  CHECK(constant_time_equal("abcdef", "abcdef"));
  CHECK_FALSE(constant_time_equal("abcdef", "abcdeg"));
  CHECK_FALSE(constant_time_equal("abcdef", "abcde"));
  // The source compares the derived hash with CRYPTO_memcmp only: no memcmp, no == on the bytes.
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) + "/kiosk/crypto/pin_hash.cpp");
  std::stringstream text;
  text << in.rdbuf();
  std::string source = text.str();
  CHECK(source.find("CRYPTO_memcmp(") != std::string::npos);
  CHECK(source.find("constant_time_equal(*derived, stored->hash)") != std::string::npos);
  CHECK(source.find(" memcmp(") == std::string::npos);
  CHECK(source.find("*derived == ") == std::string::npos);
}

TEST_CASE("a secret (an admin password) uses the same encoding without the PIN format") {
  const std::string password = "نافذة-Shubbak 2026";
  auto hash = hash_secret(password, k_fast);
  REQUIRE(hash);
  CHECK(hash->starts_with("scrypt$ln=10$r=8$p=1$"));
  CHECK(verify_secret(password, *hash).value());
  CHECK_FALSE(verify_secret("نافذة-Shubbak 2027", *hash).value());
  CHECK_FALSE(verify_secret("", *hash).value());
  CHECK_FALSE(hash_secret("", k_fast));
  CHECK_FALSE(hash_secret(std::string(k_max_secret_bytes + 1, 'x'), k_fast));
  CHECK(hash_secret(std::string(k_max_secret_bytes, 'x'), k_fast));
  // A PIN is a secret too, but a password is no PIN.
  auto pin = hash_pin("123456", k_fast);
  REQUIRE(pin);
  CHECK(verify_secret("123456", *pin).value());
  CHECK_FALSE(verify_pin(password, *hash).value());
}
