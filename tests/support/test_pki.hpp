// A throw-away certificate authority for TLS tests, made with the OpenSSL API at test time in a
// temporary directory: a CA, a server certificate for localhost/127.0.0.1, and client
// certificates (valid, expired, or from another CA). Private keys never leave the directory.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace shubbak::testing {

struct CertFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
};

class TestPki {
 public:
  // Creates "<dir>/<name>-ca.pem" (and its key) for a CA called `name`.
  TestPki(std::filesystem::path dir, std::string name);
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::filesystem::path& ca_cert() const { return m_ca.cert; }
  const std::filesystem::path& ca_key() const { return m_ca.key; }

  // A server certificate with SAN DNS:localhost and IP:127.0.0.1.
  CertFiles issue_server(const std::string& file_stem);
  // A client certificate with CN `common_name`, valid from `not_before` to `not_after` relative
  // to now (an expired one: {-48h, -24h}).
  // Each of `organizational_units` becomes one OU attribute of the subject (the portal's
  // kiosk CA binds rollout groups that way).
  CertFiles issue_client(const std::string& file_stem, const std::string& common_name,
                         std::chrono::hours not_before = std::chrono::hours(-1),
                         std::chrono::hours not_after = std::chrono::hours(24),
                         const std::vector<std::string>& organizational_units = {});

 private:
  struct Key;
  std::filesystem::path m_dir;
  std::string m_name;
  CertFiles m_ca;
  std::unique_ptr<Key> m_ca_key;
  long m_next_serial = 2;
};

}  // namespace shubbak::testing
