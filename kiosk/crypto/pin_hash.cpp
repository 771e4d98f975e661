#include "kiosk/crypto/pin_hash.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <charconv>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/openssl_handles.hpp"

namespace shubbak {

namespace {

constexpr std::size_t k_salt_bytes = 16;
constexpr std::size_t k_hash_bytes = 32;
// Bounds for stored hashes: cheaper than 2^10 is not a slow hash any more; dearer than 2^20
// (1 GiB with r=8) would stall the kiosk.
constexpr int k_min_log2_n = 10, k_max_log2_n = 20;

Expected<std::string> derive(std::string_view pin, std::string_view salt, const ScryptCost& cost,
                             std::size_t length) {
  openssl::KdfPtr kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  if (!kdf) return fail(Errc::unsupported, "OpenSSL has no SCRYPT key derivation");
  openssl::KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return fail(Errc::internal, "cannot create a SCRYPT context");
  std::uint64_t n = std::uint64_t{1} << cost.log2_n;
  auto r = static_cast<std::uint32_t>(cost.r), p = static_cast<std::uint32_t>(cost.p);
  std::string password(pin), salt_copy(salt);  // OpenSSL wants mutable buffers
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, password.data(), password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_copy.data(), salt_copy.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_end(),
  };
  std::string out(length, '\0');
  int ok =
      EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), params);
  OPENSSL_cleanse(password.data(), password.size());
  if (ok != 1) return fail(Errc::internal, "SCRYPT derivation failed");
  return out;
}

std::string encode(const ScryptCost& cost, std::string_view salt, std::string_view hash) {
  return fmt::format("scrypt$ln={}$r={}$p={}${}${}", cost.log2_n, cost.r, cost.p,
                     base64_encode(as_bytes(salt)), base64_encode(as_bytes(hash)));
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::optional<int> named_int(std::string_view part, std::string_view name, int low, int high) {
  if (!part.starts_with(name) || part.size() <= name.size() || part[name.size()] != '=')
    return std::nullopt;
  part.remove_prefix(name.size() + 1);
  int value = 0;
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
  if (ec != std::errc() || end != part.data() + part.size() || value < low || value > high)
    return std::nullopt;
  return value;
}

}  // namespace

Expected<void> check_pin_format(std::string_view pin) {
  if (pin.size() < 6 || pin.size() > 12)
    return fail(Errc::invalid_argument, "a PIN has 6 to 12 digits");
  for (char c : pin) {
    if (c < '0' || c > '9') return fail(Errc::invalid_argument, "a PIN has digits only");
  }
  return {};
}

Expected<std::string> hash_pin(std::string_view pin, ScryptCost cost) {
  if (auto format = check_pin_format(pin); !format) return std::unexpected(format.error());
  return hash_secret(pin, cost);
}

Expected<void> check_secret_format(std::string_view secret) {
  if (secret.empty() || secret.size() > k_max_secret_bytes)
    return fail(Errc::invalid_argument, "a password has 1 to 1024 bytes");
  return {};
}

Expected<std::string> hash_secret(std::string_view secret, ScryptCost cost) {
  if (auto format = check_secret_format(secret); !format) return std::unexpected(format.error());
  if (cost.log2_n < k_min_log2_n || cost.log2_n > k_max_log2_n || cost.r < 1 || cost.r > 32 ||
      cost.p < 1 || cost.p > 16) {
    return fail(Errc::invalid_argument, "scrypt cost out of range");
  }
  std::string salt(k_salt_bytes, '\0');
  if (auto random = random_bytes({reinterpret_cast<std::uint8_t*>(salt.data()), salt.size()});
      !random) {
    return std::unexpected(random.error());
  }
  auto hash = derive(secret, salt, cost, k_hash_bytes);
  if (!hash) return std::unexpected(hash.error());
  return encode(cost, salt, *hash);
}

Expected<PinHash> parse_pin_hash(std::string_view encoded) {
  auto parts = split(encoded, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") {
    return fail(Errc::parse, "a PIN hash has the form scrypt$ln=N$r=N$p=N$<salt>$<hash>");
  }
  PinHash parsed;
  auto ln = named_int(parts[1], "ln", k_min_log2_n, k_max_log2_n);
  auto r = named_int(parts[2], "r", 1, 32);
  auto p = named_int(parts[3], "p", 1, 16);
  if (!ln || !r || !p) {
    return fail(Errc::parse, fmt::format("PIN hash cost must be ln={}..{}, r=1..32, p=1..16",
                                         k_min_log2_n, k_max_log2_n));
  }
  parsed.cost = {*ln, *r, *p};
  auto salt = base64_decode(parts[4]);
  auto hash = base64_decode(parts[5]);
  if (!salt || !hash) return fail(Errc::parse, "PIN hash salt or hash is not base64");
  if (salt->size() < 16 || hash->size() < 16 || hash->size() > 64) {
    return fail(Errc::parse,
                "PIN hash needs a salt of at least 16 bytes and a hash of 16 to 64 bytes");
  }
  parsed.salt.assign(salt->begin(), salt->end());
  parsed.hash.assign(hash->begin(), hash->end());
  return parsed;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Expected<bool> verify_secret(std::string_view secret, std::string_view encoded) {
  auto stored = parse_pin_hash(encoded);
  if (!stored) return std::unexpected(stored.error());
  auto derived = derive(secret, stored->salt, stored->cost, stored->hash.size());
  if (!derived) return std::unexpected(derived.error());
  return constant_time_equal(*derived, stored->hash) && check_secret_format(secret).has_value();
}

Expected<bool> verify_pin(std::string_view pin, std::string_view encoded) {
  auto stored = parse_pin_hash(encoded);
  if (!stored) return std::unexpected(stored.error());
  // A malformed PIN still costs a full derivation, so its answer comes no faster than a wrong one.
  auto derived = derive(pin, stored->salt, stored->cost, stored->hash.size());
  if (!derived) return std::unexpected(derived.error());
  return constant_time_equal(*derived, stored->hash) && check_pin_format(pin).has_value();
}

}  // namespace shubbak
