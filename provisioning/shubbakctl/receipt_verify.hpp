// `shubbakctl receipt verify TEXT|IMAGE [--key PEM | --cert PEM]`: checks a receipt's seal
// offline, from the QR code's text or from a picture of the receipt, against the kiosk's device
// key (its PEM public key, or a certificate for it).
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

namespace shubbak::receipt_tools {

inline constexpr int k_receipt_valid = 0;
inline constexpr int k_receipt_invalid = 1;  // a bad signature, or not a well-formed seal
inline constexpr int k_receipt_usage = 2;    // the command line or its files are wrong

struct VerifyRequest {
  std::string subject;              // the seal's text, or the path of a PNG
  std::filesystem::path key_file;   // PEM public key, or empty
  std::filesystem::path cert_file;  // PEM certificate, or empty; exactly one of the two
};

// Prints the seal's fields and "valid" or "INVALID: reason" to `out`, usage errors to `err`.
// Returns one of the exit codes above.
int verify_receipt(const VerifyRequest& request, std::FILE* out, std::FILE* err);

}  // namespace shubbak::receipt_tools
