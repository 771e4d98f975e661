#include <doctest/doctest.h>

#include <sys/stat.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;

TEST_CASE("the device key is created once with 0600 and loaded the same afterwards") {
  testing::TempDir dir;
  auto path = dir / "device-key.pem";
  auto created = DeviceKey::load_or_create(path);
  REQUIRE_MESSAGE(created, (created ? "" : created.error().describe()));
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK((*created)->public_key().size() == k_ed25519_public_key_size);
  CHECK((*created)->public_key_pem().starts_with("-----BEGIN PUBLIC KEY-----"));

  auto loaded = DeviceKey::load_or_create(path);
  REQUIRE(loaded);
  CHECK((*loaded)->public_key() == (*created)->public_key());

  auto signature = (*loaded)->sign("transaction bytes");
  REQUIRE(signature);
  CHECK(signature->size() == k_ed25519_signature_size);
  CHECK(verify_ed25519((*created)->public_key(), as_bytes("transaction bytes"), *signature));
  CHECK_FALSE(verify_ed25519((*created)->public_key(), as_bytes("transaction byteS"), *signature));
  auto flipped = *signature;
  flipped[10] ^= 1;
  CHECK_FALSE(verify_ed25519((*created)->public_key(), as_bytes("transaction bytes"), flipped));
}

TEST_CASE("a device key readable by others, or not a key, is refused rather than replaced") {
  testing::TempDir dir;
  auto path = dir / "device-key.pem";
  REQUIRE(DeviceKey::load_or_create(path));
  ::chmod(path.c_str(), 0644);
  auto loose = DeviceKey::load_or_create(path);
  REQUIRE_FALSE(loose);
  CHECK(loose.error().code == Errc::integrity);

  auto junk = dir.write("junk.pem", "not a key");
  ::chmod(junk.c_str(), 0600);
  auto refused = DeviceKey::load_or_create(junk);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::parse);
  CHECK(DeviceKey::load(dir / "missing.pem").error().code == Errc::not_found);
}

TEST_CASE("hex and base64 round-trip; bad input is refused") {
  Bytes bytes = {0x00, 0x01, 0xfe, 0xff, 0x7f};
  CHECK(to_hex(bytes) == "0001feff7f");
  CHECK(*from_hex("0001FEff7f") == bytes);
  CHECK_FALSE(from_hex("abc"));
  CHECK_FALSE(from_hex("zz"));
  for (std::size_t n = 0; n < 7; ++n) {
    Bytes prefix(bytes.begin(), bytes.begin() + static_cast<long>(std::min(n, bytes.size())));
    CHECK(*base64_decode(base64_encode(prefix)) == prefix);
  }
  CHECK(base64_encode(as_bytes("Shubbak")) == "U2h1YmJhaw==");
  CHECK_FALSE(base64_decode("abc"));
  CHECK_FALSE(base64_decode("ab!="));
  CHECK(to_hex(sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
