// The portal's kiosk certificate authority: the CA (certificate and private key, PEM) that
// issues kiosk client certificates at enrolment. The CN of a kiosk certificate is its kiosk id,
// which is how the portal knows who sends a batch or a heartbeat. OpenSSL stays in kiosk_ca.cpp.
//
// Threading: issue() may be called from any thread; calls are serialised inside.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak::portal {

class KioskCa final {
 public:
  // Loads the CA certificate and its private key; they must belong together.
  static Expected<std::unique_ptr<KioskCa>> open(const std::filesystem::path& cert,
                                                 const std::filesystem::path& key);
  ~KioskCa();
  KioskCa(const KioskCa&) = delete;
  KioskCa& operator=(const KioskCa&) = delete;

  // Checks the CSR's own signature and that its subject CN is exactly `kiosk_id`
  // (Errc::integrity otherwise), then issues a TLS client certificate for it valid for
  // `lifetime`, its subject CN=`kiosk_id` and one OU per group of `groups` (valid names,
  // kiosk/core/kiosk_group.hpp), in order. Returns the certificate chain, PEM: the kiosk
  // certificate, then the CA.
  Expected<std::string> issue(std::string_view csr_pem, std::string_view kiosk_id,
                              const std::vector<std::string>& groups, std::chrono::hours lifetime);

 private:
  struct Impl;
  explicit KioskCa(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace shubbak::portal
