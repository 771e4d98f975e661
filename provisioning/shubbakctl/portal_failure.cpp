#include "provisioning/shubbakctl/portal_failure.hpp"

#include <fmt/format.h>

namespace shubbak::provision {

namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

constexpr std::string_view k_enrolment_off =
    "enrolment is switched off at this portal: its admin starts the portal with "
    "--client-ca-key (the kiosk CA's key) next to --client-ca";

}  // namespace

Error explain_transport_failure(const Error& error, const EnrolmentContext& c) {
  // libcurl reports a server chain that does not verify against CAINFO as a failed peer
  // verification (Errc::integrity from kiosk/net).
  if (error.code == Errc::integrity &&
      (contains(error.message, "subject name") || contains(error.message, "host name"))) {
    return Error{Errc::integrity,
                 fmt::format("the portal's server certificate is not for the host in {} ({}); "
                             "use the name the certificate was made for in --portal",
                             c.url, error.message)};
  }
  if (error.code == Errc::integrity) {
    return Error{Errc::integrity,
                 fmt::format("the portal's server certificate is not signed by the CA in {} ({}); "
                             "get the CA certificate that signed the portal's server certificate "
                             "from the portal's admin",
                             c.ca_file.string(), error.message)};
  }
  // A portal without enrolment requires a client certificate at the handshake; a kiosk that has
  // none yet hears the TLS alert, not the portal's 503.
  if (contains(error.message, "certificate required") ||
      contains(error.message, "alert handshake failure") ||
      contains(error.message, "alert bad certificate")) {
    return Error{Errc::unsupported, fmt::format("{} (the TLS handshake asked for a client "
                                                "certificate: {})",
                                                k_enrolment_off, error.message)};
  }
  // With TLS 1.3 that refusal races the connection's close: the kiosk may see a reset instead
  // of the alert. A portal that took the connection and then dropped it is not unreachable.
  bool never_connected =
      error.code == Errc::timeout || contains(error.message, "Failed to connect") ||
      contains(error.message, "Could not resolve") || contains(error.message, "Connection refused");
  if (!never_connected) {
    return Error{Errc::io, fmt::format("the portal at {} took the connection but ended it during "
                                       "the TLS exchange ({}), as a portal does to a kiosk with "
                                       "no certificate yet when enrolment is off: most likely {}",
                                       c.url, error.message, k_enrolment_off)};
  }
  return Error{error.code, fmt::format("cannot reach the portal at {}: {}", c.url, error.message)};
}

Error explain_refusal(long status, std::string_view reason, const EnrolmentContext& c) {
  std::string portal =
      fmt::format("the portal refused the enrolment (HTTP {}): {}", status, reason);
  if (status == 503 && contains(reason, "enrolment is not configured"))
    return Error{Errc::unsupported, fmt::format("{}; {}", portal, k_enrolment_off)};
  if (contains(reason, "unknown to this portal")) {
    return Error{Errc::integrity,
                 fmt::format("{}; the token was mistyped, or issued by another portal: check it "
                             "against what the portal's admin issued (shubbak-portal issue-token "
                             "--kiosk-id {})",
                             portal, c.kiosk_id)};
  }
  if (contains(reason, "was issued for kiosk id")) {
    return Error{Errc::integrity,
                 fmt::format("{}; the token was issued for another kiosk id than \"{}\": "
                             "provision with the id it names, or ask for a token for this one",
                             portal, c.kiosk_id)};
  }
  if (contains(reason, "already used")) {
    return Error{
        Errc::integrity,
        fmt::format("{}; a token enrols once: ask the portal's admin for a new one", portal)};
  }
  if (contains(reason, "expired")) {
    return Error{Errc::integrity,
                 fmt::format("{}; ask the portal's admin for a new token (issue-token --hours sets "
                             "how long it lasts)",
                             portal)};
  }
  return Error{Errc::integrity, std::move(portal)};
}

}  // namespace shubbak::provision
