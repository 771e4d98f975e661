// `shubbakctl kiosk provision`: what a technician runs on a new kiosk, in this order:
//   1. checks the trusted TUF root (signed by its own root keys) and has the technician confirm
//      its SHA-256 fingerprint against the one the central admins gave them;
//   2. makes the device keys in the data directory if absent (the Ed25519 device key and an
//      ECDSA P-256 TLS client key, both 0600; they never leave the kiosk);
//   3. enrols at the portal with a one-time token (POST /api/v1/enroll, TLS with the portal's
//      CA, no client certificate yet) and installs the returned certificate chain;
//   4. installs the root and the portal CA, writes kiosk.toml atomically and loads it back;
//   5. runs the device self-test (kiosk_self_test.hpp).
// Nothing is enrolled before the root is accepted, so a refused root never spends the token.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include "kiosk/core/error.hpp"

namespace shubbak::provision {

struct ProvisionOptions {
  std::string kiosk_id;
  std::string site;                   // free text for people, written as a comment
  std::filesystem::path data_dir;     // keys, certificate, root, journal
  std::filesystem::path config_path;  // the kiosk.toml to write
  std::string portal_url;             // https://host:port
  std::filesystem::path portal_ca;    // the CA the portal's certificate chains to
  std::string token;                  // one-time enrolment token from the portal's admin
  std::filesystem::path root;         // root.json from the central admins
  std::string metadata_url;           // empty: PORTAL/repository/metadata
  std::string targets_url;            // empty: PORTAL/repository/targets
  bool assume_yes = false;            // skip the fingerprint confirmation
  // An existing kiosk.toml keeps every line but the keys provisioning installs; one of those set
  // to something else is refused unless `force` (a backup of the old file is kept either way).
  bool force = false;
};

// Where the technician is asked to confirm, and where progress is written.
struct Console {
  std::function<std::string()> read_line;  // one line from the technician, without the newline
  std::FILE* out = stdout;
};

// The files provisioning writes in the data directory.
inline constexpr const char* k_device_key_file = "device-key.pem";
inline constexpr const char* k_tls_key_file = "kiosk-tls.key";
inline constexpr const char* k_tls_cert_file = "kiosk-tls.pem";
inline constexpr const char* k_trusted_root_file = "root.json";
inline constexpr const char* k_portal_ca_file = "portal-ca.pem";

// Runs every step; 0 when the kiosk is provisioned and every self-test check passed, 1 when a
// step was refused or failed (the reason on stderr) or a check failed.
int provision_kiosk(const ProvisionOptions& options, Console console);

}  // namespace shubbak::provision
