// The kiosk's TLS client key: ECDSA P-256, PEM, mode 0600 in the kiosk's data directory, made
// on the kiosk at provisioning and never copied off it. The portal only ever sees the
// certificate request (CSR) made from it, and returns the certificate it issued.
//
// Threading: any thread; the object is immutable after load_or_create().
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

class TlsClientKey final {
 public:
  // Loads the key at `path`, or makes a new one there (created exclusively, 0600, fsynced). A
  // key file readable by others or that is not an EC P-256 key is an error, never replaced.
  static Expected<std::unique_ptr<TlsClientKey>> load_or_create(const std::filesystem::path& path);
  ~TlsClientKey();
  TlsClientKey(const TlsClientKey&) = delete;
  TlsClientKey& operator=(const TlsClientKey&) = delete;

  // A PKCS#10 request, PEM, with subject CN = `common_name`, signed with this key (SHA-256).
  Expected<std::string> certificate_request(std::string_view common_name) const;

  // Checks a chain the portal returned (PEM, leaf first): the leaf is for this key, its CN is
  // `common_name`, and the next certificate (the kiosk CA) signed it. Errc::integrity if not.
  Expected<void> check_certificate(std::string_view chain_pem, std::string_view common_name) const;

 private:
  struct Impl;
  explicit TlsClientKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace shubbak
