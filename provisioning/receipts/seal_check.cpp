#include "provisioning/receipts/seal_check.hpp"

#include "provisioning/receipts/qr_image_reader.hpp"

namespace shubbak::receipts {

std::string_view verdict_name(SealVerdict verdict) {
  switch (verdict) {
    case SealVerdict::valid:
      return "valid";
    case SealVerdict::no_qr_code:
      return "no_qr_code";
    case SealVerdict::malformed:
      return "malformed";
    case SealVerdict::unknown_kiosk:
      return "unknown_kiosk";
    case SealVerdict::bad_signature:
      return "bad_signature";
  }
  return "malformed";
}

SealCheck check_seal_text(std::string_view text, const DeviceKeyLookup& key_of) {
  SealCheck check;
  auto seal = parse_receipt_seal(text);
  if (!seal) {
    check.why = seal.error().message;
    return check;
  }
  check.facts = seal->facts;
  auto key = key_of(seal->facts.kiosk_id);
  if (!key) {
    check.verdict = SealVerdict::unknown_kiosk;
    check.why = "no device key is known for the kiosk the receipt names";
    return check;
  }
  if (auto verified = seal->verify(*key); !verified) {
    check.verdict = SealVerdict::bad_signature;
    check.why = verified.error().message;
    return check;
  }
  check.verdict = SealVerdict::valid;
  return check;
}

SealCheck check_seal_image(const GreyImage& image, const DeviceKeyLookup& key_of) {
  auto decoded = read_qr_code(image);
  if (!decoded) {
    SealCheck check;
    check.verdict = SealVerdict::no_qr_code;
    check.why = decoded.error().message;
    return check;
  }
  return check_seal_text(*decoded, key_of);
}

}  // namespace shubbak::receipts
