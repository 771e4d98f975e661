#include "kiosk/crypto/receipt_seal.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/crypto/base45.hpp"

namespace shubbak {

namespace {

// Signed before the facts, so a device-key signature over a receipt can never be taken for one
// over anything else the key signs (transaction records, heartbeats).
constexpr std::string_view k_domain_tag = "shubbak-receipt-seal/1";
constexpr std::size_t k_uuid_bytes = 16;
constexpr std::size_t k_time_bytes = 6;
constexpr std::size_t k_max_service_id = 128;
// ISO 4217's code for "no currency involved": a free service's seal.
constexpr std::string_view k_no_currency = "XXX";
constexpr std::int64_t k_max_wall_ms = (std::int64_t{1} << 48) - 1;

bool service_char(char c) {
  return c > ' ' && c < 0x7F;
}

template <class Allowed>
bool identifier_ok(std::string_view s, std::size_t max, Allowed allowed) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (!allowed(c)) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// "0190a0b1-5c2e-7xxx-yxxx-xxxxxxxxxxxx" (lower case, version 7, RFC 9562 variant) to 16 bytes.
Expected<Bytes> uuid7_bytes(std::string_view text) {
  auto refuse = [&] {
    return fail(Errc::invalid_argument, "the transaction id is not a lower-case UUIDv7");
  };
  if (text.size() != 36) return refuse();
  Bytes out;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return refuse();
      ++i;
      continue;
    }
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return refuse();
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    i += 2;
  }
  if (out.size() != k_uuid_bytes || (out[6] >> 4) != 7 || (out[8] >> 6) != 2) return refuse();
  return out;
}

std::string uuid_text(std::span<const std::uint8_t> b) {
  std::string hex = to_hex(b);
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20));
}

void put_varint(Bytes& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

// Reads the binary facts front to back; every read is bounds-checked.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}

  Expected<std::span<const std::uint8_t>> take(std::size_t count, std::string_view what) {
    if (m_bytes.size() - m_at < count)
      return fail(Errc::parse, fmt::format("the seal ends inside its {}", what));
    auto part = m_bytes.subspan(m_at, count);
    m_at += count;
    return part;
  }

  // Unsigned LEB128, at most 63 bits, in its shortest form (one encoding per value).
  Expected<std::uint64_t> varint(std::string_view what) {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      auto byte = take(1, what);
      if (!byte) return std::unexpected(byte.error());
      std::uint8_t b = (*byte)[0];
      if (shift == 56 && b > 0x7F) break;  // a tenth byte: past 63 bits
      value |= std::uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) {
        if (b == 0 && shift > 0)
          return fail(Errc::parse, fmt::format("the {} is not in its shortest form", what));
        return value;
      }
    }
    return fail(Errc::parse, fmt::format("the {} is out of range", what));
  }

  Expected<std::string> text(std::string_view what) {
    auto size = take(1, what);
    if (!size) return std::unexpected(size.error());
    auto bytes = take((*size)[0], what);
    if (!bytes) return std::unexpected(bytes.error());
    return std::string(bytes->begin(), bytes->end());
  }

  std::size_t at() const { return m_at; }
  std::size_t left() const { return m_bytes.size() - m_at; }

 private:
  std::span<const std::uint8_t> m_bytes;
  std::size_t m_at = 0;
};

Expected<Bytes> binary_facts(const ReceiptFacts& f) {
  auto id = uuid7_bytes(f.transaction_id);
  if (!id) return std::unexpected(id.error());
  if (!identifier_ok(f.service_id, k_max_service_id, service_char))
    return fail(Errc::invalid_argument,
                "the service id must be 1 to 128 printable ASCII characters without spaces");
  if (auto ok = check_kiosk_id(f.kiosk_id, "the kiosk id"); !ok) return std::unexpected(ok.error());
  bool free_service = is_no_payment(f.amount);
  if (!check_recorded_amount(f.amount))
    return fail(Errc::invalid_argument,
                fmt::format("the amount {} cannot be sealed", format_money(f.amount)));
  if (f.wall_ms < 0 || f.wall_ms > k_max_wall_ms)
    return fail(Errc::invalid_argument, "the transaction time is out of range");
  Bytes out = std::move(*id);
  for (int shift = 40; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(f.wall_ms >> shift));
  put_varint(out, static_cast<std::uint64_t>(f.amount.minor_units));
  std::string_view currency = free_service ? k_no_currency : std::string_view(f.amount.currency);
  out.insert(out.end(), currency.begin(), currency.end());
  out.push_back(static_cast<std::uint8_t>(f.service_id.size()));
  out.insert(out.end(), f.service_id.begin(), f.service_id.end());
  out.push_back(static_cast<std::uint8_t>(f.kiosk_id.size()));
  out.insert(out.end(), f.kiosk_id.begin(), f.kiosk_id.end());
  return out;
}

Bytes signed_message(std::span<const std::uint8_t> facts) {
  Bytes message(k_domain_tag.size() + facts.size());
  std::copy(k_domain_tag.begin(), k_domain_tag.end(), message.begin());
  std::copy(facts.begin(), facts.end(),
            message.begin() + static_cast<std::ptrdiff_t>(k_domain_tag.size()));
  return message;
}

}  // namespace

Expected<std::string> seal_receipt(const ReceiptFacts& facts, const DeviceKey& key) {
  auto binary = binary_facts(facts);
  if (!binary) return std::unexpected(binary.error());
  auto signature = key.sign(signed_message(*binary));
  if (!signature) return std::unexpected(signature.error());
  binary->insert(binary->end(), signature->begin(), signature->end());
  return std::string(k_receipt_seal_prefix) + base45_encode(*binary);
}

Expected<ReceiptSeal> parse_receipt_seal(std::string_view text) {
  if (text.size() > k_receipt_seal_max_text)
    return fail(Errc::parse,
                fmt::format("{} characters is too long for a receipt seal", text.size()));
  if (!text.starts_with(k_receipt_seal_prefix)) {
    bool other_version = text.size() >= 4 && text.starts_with("SR") && text[3] == ':';
    return fail(Errc::parse,
                other_version ? "this receipt seal is of a format version this tool does not know"
                              : "the text is not a Shubbak receipt seal (no \"SR1:\" prefix)");
  }
  auto bytes = base45_decode(text.substr(k_receipt_seal_prefix.size()));
  if (!bytes) return fail(Errc::parse, "the receipt seal is damaged: " + bytes.error().message);
  Reader in(*bytes);
  ReceiptSeal seal;
  auto id = in.take(k_uuid_bytes, "transaction id");
  if (!id) return std::unexpected(id.error());
  if (((*id)[6] >> 4) != 7 || ((*id)[8] >> 6) != 2)
    return fail(Errc::parse, "the transaction id is not a UUIDv7");
  seal.facts.transaction_id = uuid_text(*id);
  auto time = in.take(k_time_bytes, "time");
  if (!time) return std::unexpected(time.error());
  for (std::uint8_t b : *time) seal.facts.wall_ms = seal.facts.wall_ms << 8 | b;
  auto minor = in.varint("amount");
  if (!minor) return std::unexpected(minor.error());
  seal.facts.amount.minor_units = static_cast<std::int64_t>(*minor);
  auto currency = in.take(3, "currency");
  if (!currency) return std::unexpected(currency.error());
  seal.facts.amount.currency.assign(currency->begin(), currency->end());
  if (seal.facts.amount.currency == k_no_currency) {
    if (seal.facts.amount.minor_units != 0)
      return fail(Errc::parse, "an amount without a currency must be zero");
    seal.facts.amount.currency.clear();
  } else if (!currency_exponent(seal.facts.amount.currency)) {
    return fail(Errc::parse, "the currency is not one Shubbak knows");
  }
  auto service = in.text("service id");
  if (!service) return std::unexpected(service.error());
  if (!identifier_ok(*service, k_max_service_id, service_char))
    return fail(Errc::parse, "the service id is malformed");
  seal.facts.service_id = std::move(*service);
  auto kiosk = in.text("kiosk id");
  if (!kiosk) return std::unexpected(kiosk.error());
  if (!is_valid_kiosk_id(*kiosk)) return fail(Errc::parse, "the kiosk id is malformed");
  seal.facts.kiosk_id = std::move(*kiosk);
  if (in.left() != k_ed25519_signature_size)
    return fail(Errc::parse, fmt::format("the signature is {} bytes, not {}", in.left(),
                                         k_ed25519_signature_size));
  seal.signed_message = signed_message(std::span(*bytes).first(in.at()));
  seal.signature.assign(bytes->begin() + static_cast<std::ptrdiff_t>(in.at()), bytes->end());
  return seal;
}

Expected<void> ReceiptSeal::verify(std::span<const std::uint8_t> public_key) const {
  if (public_key.size() != k_ed25519_public_key_size)
    return fail(Errc::invalid_argument, "the public key is not a raw Ed25519 key");
  if (!verify_ed25519(public_key, signed_message, signature))
    return fail(Errc::integrity, "the signature does not verify with this kiosk's key");
  return {};
}

}  // namespace shubbak
