// Receipt seals as a verifier reads them off a QR code: arbitrary text must parse cleanly or be
// refused, never crash, and whatever parses has one encoding and facts within their bounds.
#include <string_view>

#include "kiosk/crypto/base45.hpp"
#include "kiosk/crypto/receipt_seal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto bytes = shubbak::base45_decode(text); bytes && shubbak::base45_encode(*bytes) != text)
    __builtin_trap();
  auto seal = shubbak::parse_receipt_seal(text);
  if (!seal) return 0;
  const auto& facts = seal->facts;
  if (size > shubbak::k_receipt_seal_max_text || seal->signature.size() != 64) __builtin_trap();
  if (facts.transaction_id.size() != 36 || facts.kiosk_id.empty() || facts.kiosk_id.size() > 64)
    __builtin_trap();
  if (facts.service_id.empty() || facts.service_id.size() > 128 || facts.amount.minor_units < 0)
    __builtin_trap();
  if (facts.wall_ms < 0 || facts.wall_ms >= (std::int64_t{1} << 48)) __builtin_trap();
  // No real key signed fuzzed bytes: verification must refuse, not crash.
  shubbak::Bytes some_key(32, 0x42);
  if (seal->verify(some_key)) __builtin_trap();
  return 0;
}
