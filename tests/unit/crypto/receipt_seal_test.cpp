#include <doctest/doctest.h>

#include "kiosk/crypto/base45.hpp"
#include "kiosk/crypto/public_key.hpp"
#include "kiosk/crypto/receipt_seal.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;

namespace {

ReceiptFacts sample_facts() {
  return {"0190a0b1-5c2e-7a3f-9b21-4c5d6e7f8091", "muscat.municipality.fees", Money{1250, "OMR"},
          1'714'558'953'120, "MCT-SEEB-07"};
}

std::unique_ptr<DeviceKey> make_key(const testing::TempDir& dir,
                                    const char* name = "device-key.pem") {
  auto key = DeviceKey::load_or_create(dir / name);
  REQUIRE_MESSAGE(key, (key ? "" : key.error().describe()));
  return std::move(*key);
}

// The seal's bytes (facts and signature) behind its prefix.
Bytes seal_bytes(const std::string& text) {
  auto bytes = base45_decode(std::string_view(text).substr(k_receipt_seal_prefix.size()));
  REQUIRE(bytes);
  return *bytes;
}

}  // namespace

TEST_CASE("base45 matches RFC 9285's examples and refuses what is not base45") {
  CHECK(base45_encode(as_bytes("AB")) == "BB8");
  CHECK(base45_encode(as_bytes("Hello!!")) == "%69 VD92EX0");
  CHECK(base45_encode(as_bytes("base-45")) == "UJCLQE7W581");
  auto decoded = base45_decode("QED8WEX0");
  REQUIRE(decoded);
  CHECK(std::string(decoded->begin(), decoded->end()) == "ietf!");
  CHECK(base45_decode("GGW").error().code == Errc::parse);  // 65535 + 1: RFC 9285's invalid example
  CHECK(base45_decode("ZZZ").error().code == Errc::parse);  // over 65535
  CHECK(base45_decode("U:").error().code == Errc::parse);   // a pair over 255
  CHECK(base45_decode("BB8A").error().code == Errc::parse);  // 3n+1 characters
  CHECK(base45_decode("bb8").error().code == Errc::parse);   // lower case is not in the alphabet
  CHECK(base45_decode("").value().empty());
}

TEST_CASE("a receipt seal round-trips every fact and verifies with the device key") {
  testing::TempDir dir;
  auto key = make_key(dir);
  auto text = seal_receipt(sample_facts(), *key);
  REQUIRE_MESSAGE(text, (text ? "" : text.error().describe()));
  CHECK(text->starts_with("SR1:"));
  // Only QR alphanumeric characters, and small: version 8 at ECC M holds 221 of them.
  CHECK(text->find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:") ==
        std::string::npos);
  CHECK(text->size() <= 221);
  auto seal = parse_receipt_seal(*text);
  REQUIRE_MESSAGE(seal, (seal ? "" : seal.error().describe()));
  CHECK(seal->facts == sample_facts());
  CHECK(seal->verify(key->public_key()));

  // The same facts through the PEM the kiosk exports.
  auto from_pem = ed25519_key_from_pem(key->public_key_pem());
  REQUIRE(from_pem);
  CHECK(seal->verify(*from_pem));
}

TEST_CASE("a free service's seal carries no currency and three decimals stay exact") {
  testing::TempDir dir;
  auto key = make_key(dir);
  auto facts = sample_facts();
  facts.amount = Money{};
  auto seal = parse_receipt_seal(seal_receipt(facts, *key).value());
  REQUIRE(seal);
  CHECK(seal->facts.amount == Money{});
  facts.amount = Money{9'223'372'036'854'775'807, "JOD"};  // the largest amount: a 9-byte varint
  seal = parse_receipt_seal(seal_receipt(facts, *key).value());
  REQUIRE(seal);
  CHECK(seal->facts.amount == facts.amount);
  CHECK(seal->verify(key->public_key()));
}

TEST_CASE("one flipped bit anywhere in the facts or the signature makes the seal fail") {
  testing::TempDir dir;
  auto key = make_key(dir);
  auto text = seal_receipt(sample_facts(), *key).value();
  Bytes original = seal_bytes(text);
  int refused_as_malformed = 0, refused_by_signature = 0;
  for (std::size_t byte = 0; byte < original.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes changed = original;
      changed[byte] = static_cast<std::uint8_t>(changed[byte] ^ (1u << bit));
      auto seal = parse_receipt_seal(std::string(k_receipt_seal_prefix) + base45_encode(changed));
      if (!seal) {
        CHECK(seal.error().code == Errc::parse);
        ++refused_as_malformed;
        continue;
      }
      auto verified = seal->verify(key->public_key());
      REQUIRE_MESSAGE(!verified, "byte " << byte << " bit " << bit << " was not noticed");
      CHECK(verified.error().code == Errc::integrity);
      ++refused_by_signature;
    }
  }
  CHECK(refused_as_malformed + refused_by_signature == static_cast<int>(original.size() * 8));
  CHECK(refused_by_signature > 64 * 8);  // every signature bit at least reaches the signature check
}

TEST_CASE("another kiosk's key does not verify the seal") {
  testing::TempDir dir;
  auto key = make_key(dir);
  auto other = make_key(dir, "other-key.pem");
  auto seal = parse_receipt_seal(seal_receipt(sample_facts(), *key).value());
  REQUIRE(seal);
  auto verified = seal->verify(other->public_key());
  REQUIRE_FALSE(verified);
  CHECK(verified.error().code == Errc::integrity);
  CHECK(seal->verify(Bytes(31, 0)).error().code == Errc::invalid_argument);
}

TEST_CASE("malformed seals are refused with a clear reason") {
  testing::TempDir dir;
  auto key = make_key(dir);
  auto text = seal_receipt(sample_facts(), *key).value();
  Bytes bytes = seal_bytes(text);
  auto reason = [](std::string_view t) {
    auto seal = parse_receipt_seal(t);
    REQUIRE_FALSE(seal);
    CHECK(seal.error().code == Errc::parse);
    return seal.error().message;
  };
  CHECK(reason("").find("not a Shubbak receipt seal") != std::string::npos);
  CHECK(reason("https://example.com/").find("not a Shubbak receipt seal") != std::string::npos);
  CHECK(reason("SR2:" + text.substr(4)).find("format version") != std::string::npos);
  CHECK(reason("SR1:" + text.substr(4) + "0").find("damaged") != std::string::npos);
  CHECK(reason(std::string(k_receipt_seal_max_text + 1, 'A')).find("too long") !=
        std::string::npos);
  CHECK(reason("SR1:" + base45_encode(std::span(bytes).first(bytes.size() - 1)))
            .find("signature is 63 bytes") != std::string::npos);
  Bytes longer = bytes;
  longer.push_back(0);
  CHECK(reason("SR1:" + base45_encode(longer)).find("signature is 65 bytes") != std::string::npos);
  CHECK(reason("SR1:" + base45_encode(std::span(bytes).first(10)))
            .find("ends inside its transaction id") != std::string::npos);
}

TEST_CASE("facts the format cannot carry are refused when sealing") {
  testing::TempDir dir;
  auto key = make_key(dir);
  auto refused = [&](ReceiptFacts facts) {
    auto text = seal_receipt(facts, *key);
    REQUIRE_FALSE(text);
    CHECK(text.error().code == Errc::invalid_argument);
  };
  auto facts = sample_facts();
  facts.transaction_id = "0190a0b1-5c2e-4a3f-9b21-4c5d6e7f8091";  // a version 4 UUID
  refused(facts);
  facts = sample_facts();
  facts.kiosk_id = "kiosk 7";
  refused(facts);
  facts = sample_facts();
  facts.service_id = std::string(129, 'a');
  refused(facts);
  facts = sample_facts();
  facts.amount = Money{100, "ZZZ"};
  refused(facts);
  facts = sample_facts();
  facts.wall_ms = -1;
  refused(facts);
}

TEST_CASE("public keys of other kinds are refused clearly") {
  CHECK(ed25519_key_from_pem("not a key").error().code == Errc::parse);
  CHECK(
      ed25519_key_from_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
          .error()
          .code == Errc::parse);
}
