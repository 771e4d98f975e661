// A private cupsd for tests: its own ServerRoot, spool, logs and local socket in a directory,
// configured with the kiosk's shipped provisioning/etc/cups/cupsd.conf (its Listen lines moved to
// the private socket), so a test proves cupsd accepts the shipped directives. Stopped by pid in
// the destructor; every wait is bounded.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/child_process.hpp"

namespace shubbak::testing {

class PrivateCupsd {
 public:
  // Throws std::runtime_error if cupsd is missing, refuses the configuration (cupsd -t, or an
  // "Unknown directive") or does not come up within a few seconds.
  PrivateCupsd(const std::filesystem::path& dir, const std::filesystem::path& shipped_cupsd_conf);
  ~PrivateCupsd();
  PrivateCupsd(const PrivateCupsd&) = delete;
  PrivateCupsd& operator=(const PrivateCupsd&) = delete;

  const std::filesystem::path& socket() const { return m_socket; }
  const std::filesystem::path& request_root() const { return m_spool; }
  const std::filesystem::path& cupsd_conf() const { return m_conf; }
  // What `cupsd -t` said about the configuration.
  const std::string& config_check_output() const { return m_check_output; }

  // `lpadmin -p NAME -E -v DEVICE_URI -m raw`; throws if lpadmin fails.
  void add_raw_queue(const std::string& name, const std::string& device_uri) const;

 private:
  std::filesystem::path m_dir, m_socket, m_spool, m_conf;
  std::string m_check_output;
  std::unique_ptr<ChildProcess> m_cupsd;
};

}  // namespace shubbak::testing
