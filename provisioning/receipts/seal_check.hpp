// Checking a receipt's seal (kiosk/crypto/receipt_seal.hpp) against the device key of the kiosk
// that signed it, from the QR code's text or from a picture of the receipt. The one check behind
// `shubbakctl receipt verify` and the console's receipt verification: it reports, the caller
// decides how to show it.
//
// Threading: pure functions, any thread (the lookup is called on the caller's thread).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/receipt_seal.hpp"
#include "kiosk/image/grey_image.hpp"

namespace shubbak::receipts {

enum class SealVerdict {
  valid,
  no_qr_code,     // the picture holds no readable QR code
  malformed,      // the text is not a well-formed seal
  unknown_kiosk,  // no device key is known for the kiosk the seal names
  bad_signature,  // the kiosk's key does not verify the seal's signature
};

// "valid", "no_qr_code", ...: stable names for pages, tests and the audit log.
std::string_view verdict_name(SealVerdict verdict);

struct SealCheck {
  SealVerdict verdict = SealVerdict::malformed;
  std::string why;                    // what is wrong, in English; empty when valid
  std::optional<ReceiptFacts> facts;  // once the seal parsed, whatever the verdict
};

// The device key (32 raw Ed25519 bytes) of the kiosk the seal names, or nullopt when none is
// known for it.
using DeviceKeyLookup = std::function<std::optional<Bytes>(std::string_view kiosk_id)>;

SealCheck check_seal_text(std::string_view text, const DeviceKeyLookup& key_of);
// Reads the QR code in `image` first: no_qr_code when there is none.
SealCheck check_seal_image(const GreyImage& image, const DeviceKeyLookup& key_of);

}  // namespace shubbak::receipts
