#include "provisioning/shubbakctl/receipt_verify.hpp"

#include <ctime>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "kiosk/crypto/public_key.hpp"
#include "kiosk/crypto/receipt_seal.hpp"
#include "provisioning/receipts/seal_check.hpp"

namespace shubbak::receipt_tools {

namespace {

constexpr std::uintmax_t k_max_key_file = 64 * 1024;

Expected<std::string> read_small_file(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail(Errc::not_found, fmt::format("{}: {}", path.string(), ec.message()));
  if (size > k_max_key_file)
    return fail(Errc::invalid_argument,
                fmt::format("{} is too large for a key or certificate", path.string()));
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return fail(Errc::io, fmt::format("cannot read {}", path.string()));
  return text.str();
}

// "2024-05-01 10:22:33.120 UTC": the verifier may be in another time zone than the kiosk.
std::string utc_time(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  return fmt::format("{}.{:03} UTC", text, unix_ms % 1000);
}

// Whether the subject names a picture rather than being the seal's text.
bool names_an_image(const std::string& subject) {
  std::error_code ec;
  if (subject.starts_with(k_receipt_seal_prefix)) return false;
  return std::filesystem::exists(subject, ec) || subject.ends_with(".png") ||
         subject.ends_with(".PNG");
}

struct TrustedKey {
  Bytes public_key;
  std::string kiosk_id;  // from a certificate's CN; empty for a bare key
};

}  // namespace

int verify_receipt(const VerifyRequest& request, std::FILE* out, std::FILE* err) {
  auto usage = [&](const std::string& why) {
    std::fprintf(err, "shubbakctl: %s\n", why.c_str());
    return k_receipt_usage;
  };
  auto invalid = [&](const std::string& why) {
    std::fprintf(out, "INVALID: %s\n", why.c_str());
    return k_receipt_invalid;
  };
  if (request.key_file.empty() == request.cert_file.empty())
    return usage("give the kiosk's public key with exactly one of --key PEM or --cert PEM");

  TrustedKey trusted;
  const auto& key_path = request.key_file.empty() ? request.cert_file : request.key_file;
  auto key_text = read_small_file(key_path);
  if (!key_text) return usage(key_text.error().message);
  if (!request.key_file.empty()) {
    auto key = ed25519_key_from_pem(*key_text);
    if (!key) return usage(fmt::format("{}: {}", key_path.string(), key.error().message));
    trusted.public_key = std::move(*key);
  } else {
    auto certified = ed25519_key_from_certificate(*key_text);
    if (!certified)
      return usage(fmt::format("{}: {}", key_path.string(), certified.error().message));
    trusted.public_key = std::move(certified->public_key);
    trusted.kiosk_id = std::move(certified->common_name);
  }

  // The key given is the one to check with, whichever kiosk the receipt names; a certificate's
  // kiosk is compared with the receipt's below.
  auto key_of = [&](std::string_view) { return std::optional<Bytes>(trusted.public_key); };
  receipts::SealCheck check;
  if (names_an_image(request.subject)) {
    auto image = read_grey_png(request.subject);
    if (!image) return usage(image.error().message);
    check = receipts::check_seal_image(*image, key_of);
    if (check.verdict == receipts::SealVerdict::no_qr_code)
      return invalid(fmt::format("{}: {}", request.subject, check.why));
  } else {
    check = receipts::check_seal_text(request.subject, key_of);
  }
  if (!check.facts) return invalid(check.why);
  const ReceiptFacts& facts = *check.facts;
  std::fprintf(out, "transaction: %s\n", facts.transaction_id.c_str());
  std::fprintf(out, "service:     %s\n", facts.service_id.c_str());
  std::fprintf(out, "amount:      %s\n",
               (facts.amount.currency.empty() ? std::string("none (a free service)")
                                              : format_money(facts.amount))
                   .c_str());
  std::fprintf(out, "time:        %s\n", utc_time(facts.wall_ms).c_str());
  std::fprintf(out, "kiosk:       %s\n", facts.kiosk_id.c_str());
  if (check.verdict != receipts::SealVerdict::valid) return invalid(check.why);
  if (!trusted.kiosk_id.empty() && trusted.kiosk_id != facts.kiosk_id) {
    return invalid(
        fmt::format("the certificate is for kiosk \"{}\", the receipt names kiosk \"{}\"",
                    trusted.kiosk_id, facts.kiosk_id));
  }
  std::fprintf(out, "valid\n");
  return k_receipt_valid;
}

}  // namespace shubbak::receipt_tools
