// The real shubbak-portal for the benchmarks that need one: a private PKI in a temporary
// directory, the portal on a free loopback port, its URL read from its "listening on" line,
// and a client certificate for kiosk "bench-kiosk". Stopped by SIGTERM when it goes.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/text_scan.hpp"

namespace shubbak::testing {

class BenchPortal {
 public:
  explicit BenchPortal(const std::string& binary)
      : pki(dir.path(), "bench"),
        m_server(pki.issue_server("server")),
        client_cert(pki.issue_client("kiosk", "bench-kiosk")) {
    std::filesystem::create_directories(dir / "portal");
    m_process = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary, "--port", "0", "--cert", m_server.cert.string(), "--key",
                                 m_server.key.string(), "--client-ca", pki.ca_cert().string(),
                                 "--db", (dir / "portal.db").string()},
        dir / "portal");
    for (int i = 0; i < 500 && url.empty(); ++i) {
      std::string out = m_process->stdout_text();
      if (auto address = text_after(out, "listening on https://", "0123456789.:"))
        url = "https://" + *address;
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (url.empty())
      std::fprintf(stderr, "portal did not start: %s\n", m_process->stderr_text().c_str());
  }
  ~BenchPortal() {
    m_process->signal(SIGTERM);
    m_process->wait(std::chrono::seconds(10));
  }
  BenchPortal(const BenchPortal&) = delete;
  BenchPortal& operator=(const BenchPortal&) = delete;

  TempDir dir;  // the portal's files; free for the benchmark's own (a journal, a device key)
  TestPki pki;

 private:
  CertFiles m_server;  // declared here: initialised between pki and client_cert

 public:
  CertFiles client_cert;  // kiosk "bench-kiosk"
  std::string url;        // empty: the portal did not start (said on stderr)

 private:
  std::unique_ptr<ChildProcess> m_process;
};

}  // namespace shubbak::testing
