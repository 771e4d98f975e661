// Who a request that came through the gateway speaks for. nginx ends the kiosk's mutual TLS and
// passes, on the portal's Unix socket only, two headers it sets itself (replacing any a client
// sent): X-Shubbak-Client-Verify ($ssl_client_verify: SUCCESS, NONE or FAILED:reason) and
// X-Shubbak-Client-Cert ($ssl_client_escaped_cert: the certificate as URL-escaped PEM). The
// portal does not take nginx's word for the certificate: it verifies it against the kiosk CA
// again, as its own TLS listener would, before it reads the kiosk id from its CN.
//
// Threading: verify() from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "provisioning/portal/tls_connection.hpp"

namespace shubbak::portal {

inline constexpr std::string_view k_gateway_verify_header = "X-Shubbak-Client-Verify";
inline constexpr std::string_view k_gateway_cert_header = "X-Shubbak-Client-Cert";

class GatewayIdentity final {
 public:
  static Expected<std::unique_ptr<GatewayIdentity>> create(const std::filesystem::path& client_ca);
  ~GatewayIdentity();
  GatewayIdentity(const GatewayIdentity&) = delete;
  GatewayIdentity& operator=(const GatewayIdentity&) = delete;

  // The identity the two headers prove: verified with the certificate's CN when nginx says
  // SUCCESS and the certificate chains to the kiosk CA now; unverified (no certificate: only
  // enrolment is open) when nginx says NONE or sent neither; an error for anything else (a
  // failed verification, a certificate that does not parse or verify here).
  Expected<PeerIdentity> verify(std::string_view verify_header,
                                std::string_view escaped_certificate) const;

 private:
  struct Impl;
  explicit GatewayIdentity(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// `text` with every %XX replaced by its byte; `ok` false (and an empty result) when a % is not
// followed by two hex digits.
std::string url_unescape(std::string_view text, bool& ok);

}  // namespace shubbak::portal
