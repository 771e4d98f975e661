// What a failed enrolment tells the technician: the real cause and what to do about it, rather
// than "cannot reach the portal" for everything. The portal's own reason is always kept.
//   - a server certificate the given CA does not sign (a wrong --ca-file, or a portal behind
//     another certificate): named as such, with the file;
//   - a portal that demands a client certificate at the handshake, or answers 503: enrolment is
//     off there (the portal was started without the kiosk CA's key); a connection it takes and
//     drops during the TLS exchange (TLS 1.3 races the alert with the close) is said as most
//     likely that, with the detail, never as "cannot reach";
//   - a refused token: unknown or for another kiosk id, already used, or expired, each with
//     what to ask the portal's admin for.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "kiosk/net/https_client.hpp"

namespace shubbak::provision {

struct EnrolmentContext {
  std::string url;  // the enrolment URL
  std::filesystem::path ca_file;
  std::string kiosk_id;
};

// A transport failure (no HTTP answer): the error to report.
Error explain_transport_failure(const Error& error, const EnrolmentContext& context);

// An HTTP answer other than 200: the error to report. `reason` is the portal's "error" text.
Error explain_refusal(long status, std::string_view reason, const EnrolmentContext& context);

}  // namespace shubbak::provision
