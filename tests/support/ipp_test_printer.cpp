#include "tests/support/ipp_test_printer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace shubbak::testing {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

namespace {

template <class Ready>
bool wait_until(milliseconds limit, Ready ready) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return ready();
}

void require_program(const char* path) {
  if (::access(path, X_OK) != 0)
    throw std::runtime_error(std::string(path) + " is not installed (it is needed)");
}

}  // namespace

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

std::vector<std::uint8_t> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

IppTestPrinter::IppTestPrinter(const fs::path& dir)
    : m_dir(dir), m_spool(dir / "spool"), m_control(dir / "printer-control") {
  // As in the kiosk's main: a printer killed mid-request must fail the write, not the test.
  ::signal(SIGPIPE, SIG_IGN);
  require_program(SHUBBAK_DBUS_DAEMON);
  require_program(SHUBBAK_IPPEVEPRINTER);
  fs::create_directories(m_spool);
  fs::create_directories(dir / "dbus");
  set_behaviour(HookBehaviour::succeed);
  auto bus = dir / "bus";
  m_dbus = std::make_unique<ChildProcess>(
      std::vector<std::string>{SHUBBAK_DBUS_DAEMON, "--session", "--nofork", "--nopidfile",
                               "--address=unix:path=" + bus.string()},
      dir / "dbus");
  if (!wait_until(milliseconds(5000), [&] { return fs::exists(bus); })) {
    throw std::runtime_error("dbus-daemon did not come up: " + m_dbus->stderr_text());
  }
  m_port = free_loopback_port();
  start_printer();
}

IppTestPrinter::~IppTestPrinter() {
  // A hook still waiting in "hang" ends when the control file changes.
  set_behaviour(HookBehaviour::succeed);
  if (m_printer) {
    m_printer->signal(SIGTERM);
    m_printer->wait(milliseconds(3000));  // kills it by pid if it overstays
  }
  if (m_dbus) {
    m_dbus->signal(SIGTERM);
    m_dbus->wait(milliseconds(3000));
  }
}

std::string IppTestPrinter::uri() const {
  return "ipp://localhost:" + std::to_string(m_port) + "/ipp/print";
}

void IppTestPrinter::start_printer() {
  auto output = m_dir / ("printer-" + std::to_string(++m_starts));
  fs::create_directories(output);
  // -n localhost: listen on loopback only. -k: keep documents in the spool for the test.
  m_printer = std::make_unique<ChildProcess>(
      std::vector<std::string>{SHUBBAK_IPPEVEPRINTER, "-n", "localhost", "-d", m_spool.string(),
                               "-k", "-c", SHUBBAK_SOURCE_DIR "/tests/fixtures/printer/ipp_hook.sh",
                               "-f", "application/vnd.cups-raw,image/pwg-raster", "-r", "off", "-p",
                               std::to_string(m_port), "Shubbak Test Printer"},
      output,
      std::vector<std::string>{"DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + (m_dir / "bus").string(),
                               "SHUBBAK_PRINTER_CONTROL=" + m_control.string()});
  if (!wait_until(milliseconds(5000), [&] { return accepts_connections(m_port); })) {
    throw std::runtime_error("ippeveprinter did not listen on port " + std::to_string(m_port) +
                             ": " + m_printer->stderr_text());
  }
}

void IppTestPrinter::set_behaviour(HookBehaviour behaviour) const {
  const char* word = "ok";
  switch (behaviour) {
    case HookBehaviour::succeed:
      word = "ok";
      break;
    case HookBehaviour::media_empty:
      word = "media-empty";
      break;
    case HookBehaviour::media_jam:
      word = "media-jam";
      break;
    case HookBehaviour::hang:
      word = "hang";
      break;
  }
  // Written whole and renamed, so the hook never reads half a word.
  auto staging = m_control.string() + ".new";
  std::ofstream(staging) << word;
  fs::rename(staging, m_control);
  std::error_code ec;
  fs::remove(m_control.string() + ".started", ec);
}

bool IppTestPrinter::wait_for_job_start(milliseconds limit) const {
  return wait_until(limit, [&] { return fs::exists(m_control.string() + ".started"); });
}

void IppTestPrinter::kill_printer() {
  if (!m_printer) return;
  m_printer->signal(SIGKILL);
  m_printer->wait(milliseconds(3000));
  m_printer.reset();
}

void IppTestPrinter::restart_printer() {
  kill_printer();
  start_printer();
}

std::optional<fs::path> IppTestPrinter::spool_file(int job_id, milliseconds limit) const {
  std::string prefix = std::to_string(job_id) + "-";
  std::optional<fs::path> found;
  wait_until(limit, [&] {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_spool, ec)) {
      auto name = entry.path().filename().string();
      if (name.starts_with(prefix) && entry.path().extension() != ".prn") found = entry.path();
    }
    return found.has_value();
  });
  return found;
}

}  // namespace shubbak::testing
