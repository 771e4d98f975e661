// What the technician's screen and the exported report say about the kiosk: device states (the
// printer asked directly, the others as the kiosk last saw them), the store's outbox and
// quarantine, free disk in the data directory, the portal's reachability with its latency, the
// installed service bundles, and the software version and kiosk id.
//
// Threading: gather_diagnostics() blocks (it asks the printer, the store, the disk and the
// portal): call it on a worker. The rest are pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "drivers/printer/receipt_printer.hpp"
#include "kiosk/net/https_client.hpp"
#include "kiosk/session/device_hub.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak {

struct DiagnosticsSources {
  std::string kiosk_id;
  std::string version;
  ReceiptPrinter* printer = nullptr;   // none: "none"
  TransactionStore* store = nullptr;   // none: the store is out of service
  const DeviceHub* devices = nullptr;  // card reader, payment terminal, scanner, store
  std::filesystem::path data_dir;
  std::string portal_url;  // empty: no portal configured
  TlsOptions portal_tls;
  std::string repository_url;  // [updates] metadata_url; empty: none configured
  TlsOptions repository_tls;
  std::chrono::milliseconds portal_deadline{5000};
  std::vector<std::pair<std::string, std::string>>
      bundles;  // id, version (copied on the UI thread)
};

// The portal or the service repository, as the technician sees it: answering as it should,
// answering with an error status (refused: the status is shown), or not answering at all.
struct PortalCheck {
  enum class Result { not_configured, reachable, refused, unreachable };
  Result result = Result::not_configured;
  long http_status = 0;
  std::chrono::milliseconds latency{0};
  std::string error;  // refused or unreachable: why
};

struct Diagnostics {
  std::string kiosk_id;
  std::string version;
  std::string printer;  // printer_state_name(), or "none"
  std::vector<std::pair<std::string, std::string>>
      devices;                               // the device hub's view, as the heartbeat says it
  std::optional<std::int64_t> outbox_depth;  // empty: the store could not say
  std::optional<std::int64_t> quarantined;
  std::string store_error;
  std::optional<std::uint64_t> free_disk_bytes;
  PortalCheck portal;
  PortalCheck repository;
  std::vector<std::pair<std::string, std::string>> bundles;
};

Diagnostics gather_diagnostics(const DiagnosticsSources& sources);

// "GET <url>/": reachable when the portal answers it with a success or with 404 (it has no page
// there; TLS with the kiosk's certificate worked and the portal spoke); any other error status
// is refused, with the status and the portal's reason.
PortalCheck check_portal(const std::string& url, const TlsOptions& tls,
                         std::chrono::milliseconds deadline);

// The repository's timestamp.json under `metadata_url` (https://, file:// or a directory):
// reachable only when it is there (HTTP 200); a 404 is refused with its status.
PortalCheck check_repository(const std::string& metadata_url, const TlsOptions& tls,
                             std::chrono::milliseconds deadline);

// The device state for `device` in `diagnostics` ("unknown" when nobody reported it).
std::string device_state(const Diagnostics& diagnostics, std::string_view device);

// One line for the report: "reachable (12 ms)", "refused after 3 ms: HTTP 404: ...": a status only
// where something is wrong.
std::string describe_check(const PortalCheck& check);

// A plain-text report (English, for the service desk), one "key: value" a line. Has no citizen
// data: the sources have none.
std::string diagnostics_report(const Diagnostics& diagnostics);

}  // namespace shubbak
