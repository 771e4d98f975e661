// A private nginx for one test or benchmark: Debian's nginx in the foreground on a loopback port,
// with the project's shipped site configuration (provisioning/nginx/shubbak-portal.conf) whose
// paths are pointed at the test's directory. Stopped by pid on destruction.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/child_process.hpp"

namespace shubbak::testing {

struct NginxSite {
  std::filesystem::path dir;           // holds server.pem, server.key, kiosk-ca.pem and
                                       // the portals' sockets portal-1.sock, portal-2.sock
  std::filesystem::path shipped_conf;  // provisioning/nginx/shubbak-portal.conf
  // Connections one client address may hold; 0 keeps the shipped limit. Simulated kiosks all
  // come from 127.0.0.1, where real ones each have an address of their own.
  int connections_per_address = 0;
};

class PrivateNginx {
 public:
  // Throws std::runtime_error with nginx's own message when it cannot start.
  explicit PrivateNginx(const NginxSite& site);
  ~PrivateNginx();
  PrivateNginx(const PrivateNginx&) = delete;
  PrivateNginx& operator=(const PrivateNginx&) = delete;

  int port() const { return m_port; }
  pid_t pid() const { return m_process ? m_process->pid() : -1; }  // the master's
  std::string url() const { return "https://127.0.0.1:" + std::to_string(m_port); }
  std::string log() const { return m_process ? m_process->stderr_text() : std::string(); }

 private:
  std::filesystem::path m_dir;
  int m_port = 0;
  std::unique_ptr<ChildProcess> m_process;
};

}  // namespace shubbak::testing
