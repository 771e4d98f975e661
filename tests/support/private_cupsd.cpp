#include "tests/support/private_cupsd.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace shubbak::testing {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

PrivateCupsd::PrivateCupsd(const fs::path& dir, const fs::path& shipped_cupsd_conf)
    : m_dir(dir), m_socket(dir / "cups.sock"), m_spool(dir / "spool"), m_conf(dir / "cupsd.conf") {
  for (const char* program : {SHUBBAK_CUPSD, SHUBBAK_LPADMIN}) {
    if (::access(program, X_OK) != 0)
      throw std::runtime_error(std::string(program) + " is not installed (it is needed)");
  }
  // cupsd runs its backends as the unprivileged "lp" user: they must reach the spool.
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  for (const char* sub : {"spool", "cache", "state", "tmp", "log", "check", "run"})
    fs::create_directories(dir / sub);

  std::ifstream shipped(shipped_cupsd_conf);
  if (!shipped) throw std::runtime_error("cannot read " + shipped_cupsd_conf.string());
  std::ostringstream conf;
  conf << "# " << shipped_cupsd_conf.string() << ", with Listen moved to a private socket\n";
  conf << "Listen " << m_socket.string() << "\n";
  for (std::string line; std::getline(shipped, line);) {
    if (line.starts_with("Listen ") || line.starts_with("Port ")) continue;
    conf << line << "\n";
  }
  std::ofstream(m_conf) << conf.str();
  std::ofstream(dir / "cups-files.conf")
      << "ServerRoot " << dir.string() << "\n"
      << "RequestRoot " << m_spool.string() << "\n"
      << "CacheDir " << (dir / "cache").string() << "\n"
      << "StateDir " << (dir / "state").string() << "\n"
      << "TempDir " << (dir / "tmp").string() << "\n"
      << "ErrorLog " << (dir / "log/error_log").string() << "\n"
      << "AccessLog " << (dir / "log/access_log").string() << "\n"
      << "PageLog " << (dir / "log/page_log").string() << "\n";

  std::vector<std::string> config_args{"-c", m_conf.string(), "-s",
                                       (dir / "cups-files.conf").string()};
  {
    std::vector<std::string> check{SHUBBAK_CUPSD, "-t"};
    check.insert(check.end(), config_args.begin(), config_args.end());
    ChildProcess tester(check, dir / "check");
    auto code = tester.wait(milliseconds(10'000));
    m_check_output = tester.stdout_text() + tester.stderr_text();
    if (code != 0 || m_check_output.find("Unknown directive") != std::string::npos) {
      throw std::runtime_error("cupsd refuses the configuration: " + m_check_output);
    }
  }
  std::vector<std::string> run{SHUBBAK_CUPSD, "-f"};
  run.insert(run.end(), config_args.begin(), config_args.end());
  m_cupsd = std::make_unique<ChildProcess>(run, dir / "run");
  auto deadline = std::chrono::steady_clock::now() + milliseconds(10'000);
  while (!fs::exists(m_socket) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  if (!fs::exists(m_socket))
    throw std::runtime_error("cupsd did not come up: " + m_cupsd->stderr_text());
}

PrivateCupsd::~PrivateCupsd() {
  if (m_cupsd) {
    m_cupsd->signal(SIGTERM);
    m_cupsd->wait(milliseconds(5000));  // kills it by pid if it overstays
  }
}

void PrivateCupsd::add_raw_queue(const std::string& name, const std::string& device_uri) const {
  auto output = m_dir / ("lpadmin-" + name);
  fs::create_directories(output);
  ChildProcess lpadmin({SHUBBAK_LPADMIN, "-p", name, "-E", "-v", device_uri, "-m", "raw"}, output,
                       {"CUPS_SERVER=" + m_socket.string()});
  auto code = lpadmin.wait(milliseconds(10'000));
  if (code != 0) throw std::runtime_error("lpadmin failed: " + lpadmin.stderr_text());
}

}  // namespace shubbak::testing
