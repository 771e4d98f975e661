#include "provisioning/portal/gateway_identity.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace shubbak::portal {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A PEM certificate is a few KiB; nginx's escaped form of a real one stays far below this.
constexpr std::size_t k_max_escaped_certificate = 64 * 1024;

}  // namespace

std::string url_unescape(std::string_view text, bool& ok) {
  std::string out;
  out.reserve(text.size());
  ok = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      ok = false;
      return {};
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

struct GatewayIdentity::Impl {
  X509_STORE* store = nullptr;
  ~Impl() { X509_STORE_free(store); }
};

GatewayIdentity::GatewayIdentity(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
GatewayIdentity::~GatewayIdentity() = default;

Expected<std::unique_ptr<GatewayIdentity>> GatewayIdentity::create(
    const std::filesystem::path& client_ca) {
  auto impl = std::make_unique<Impl>();
  impl->store = X509_STORE_new();
  if (impl->store == nullptr || X509_STORE_load_file(impl->store, client_ca.c_str()) != 1) {
    ERR_clear_error();
    return fail(Errc::config, fmt::format("client CA {}: cannot be read as PEM certificates",
                                          client_ca.string()));
  }
  return std::unique_ptr<GatewayIdentity>(new GatewayIdentity(std::move(impl)));
}

Expected<PeerIdentity> GatewayIdentity::verify(std::string_view verify_header,
                                               std::string_view escaped_certificate) const {
  if (verify_header.empty() || verify_header == "NONE") {
    if (!escaped_certificate.empty())
      return fail(Errc::integrity, "the gateway sent a certificate it says it did not verify");
    return PeerIdentity{};
  }
  if (verify_header != "SUCCESS") {
    return fail(Errc::integrity, fmt::format("the gateway refused the client certificate ({})",
                                             verify_header.substr(0, 120)));
  }
  if (escaped_certificate.empty() || escaped_certificate.size() > k_max_escaped_certificate)
    return fail(Errc::integrity, "the gateway verified a certificate but did not pass it on");
  bool ok = false;
  std::string pem = url_unescape(escaped_certificate, ok);
  if (!ok) return fail(Errc::integrity, "the forwarded client certificate is not URL-escaped PEM");
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* certificate = bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (certificate == nullptr) {
    ERR_clear_error();
    return fail(Errc::integrity, "the forwarded client certificate does not parse");
  }
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  bool verified = context != nullptr &&
                  X509_STORE_CTX_init(context, m_impl->store, certificate, nullptr) == 1 &&
                  X509_verify_cert(context) == 1;
  std::string reason =
      context != nullptr ? X509_verify_cert_error_string(X509_STORE_CTX_get_error(context)) : "";
  X509_STORE_CTX_free(context);
  PeerIdentity identity;
  if (verified) {
    identity.common_name = single_common_name(certificate);
    identity.groups = certificate_groups(certificate);
  }
  X509_free(certificate);
  ERR_clear_error();
  if (!verified) {
    return fail(Errc::integrity,
                "the forwarded client certificate does not verify against the kiosk CA: " + reason);
  }
  identity.verified = true;
  return identity;
}

}  // namespace shubbak::portal
