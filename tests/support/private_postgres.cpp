#include "tests/support/private_postgres.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "provisioning/portal/postgres.hpp"

namespace shubbak::testing {

namespace {

namespace fs = std::filesystem;

constexpr uid_t k_nobody = 65534;
constexpr gid_t k_nogroup = 65534;

// Debian's server binaries, the newest major version installed.
fs::path server_bin_dir() {
  fs::path best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "postgres") && (best.empty() || bin > best)) best = bin;
  }
  if (best.empty()) {
    throw std::runtime_error(
        "no PostgreSQL server under /usr/lib/postgresql (Debian's postgresql package); "
        "`./shubbak test` installs it");
  }
  return best;
}

// The command line prefix that runs a program as `nobody` when we are root.
std::vector<std::string> as_server_user() {
  if (::geteuid() != 0) return {};
  return {"/usr/bin/setpriv", "--reuid=" + std::to_string(k_nobody),
          "--regid=" + std::to_string(k_nogroup), "--clear-groups", "--"};
}

void give_to_server_user(const fs::path& path) {
  if (::geteuid() == 0 && ::chown(path.c_str(), k_nobody, k_nogroup) != 0)
    throw std::runtime_error("cannot chown " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

PrivatePostgres::PrivatePostgres(bool fsync) {
  std::string pattern = "/tmp/shubbak-pg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  m_dir = pattern;
  ::chmod(m_dir.c_str(), 0755);  // the server user reaches its data and socket through it
  give_to_server_user(m_dir);
  fs::path bin = server_bin_dir();

  std::vector<std::string> initdb = as_server_user();
  for (std::string arg :
       {(bin / "initdb").string(), std::string("-D"), (m_dir / "data").string(), std::string("-U"),
        std::string("shubbak"), std::string("--auth=trust"), std::string("--no-sync"),
        std::string("-E"), std::string("UTF8"), std::string("--locale=C")}) {
    initdb.push_back(arg);
  }
  fs::create_directories(m_dir / "out-initdb");
  ChildProcess init(initdb, m_dir / "out-initdb");
  if (init.wait(std::chrono::seconds(60)) != 0) {
    throw std::runtime_error("initdb failed: " + init.stderr_text() + init.stdout_text());
  }

  std::vector<std::string> server = as_server_user();
  for (std::string arg :
       {(bin / "postgres").string(), std::string("-D"), (m_dir / "data").string(),
        std::string("-k"), m_dir.string(), std::string("-c"), std::string("listen_addresses="),
        std::string("-c"), std::string("max_connections=200"), std::string("-c"),
        std::string(fsync ? "fsync=on" : "fsync=off"), std::string("-c"),
        std::string(fsync ? "synchronous_commit=on" : "synchronous_commit=off")}) {
    server.push_back(arg);
  }
  fs::create_directories(m_dir / "out-server");
  m_server = std::make_unique<ChildProcess>(server, m_dir / "out-server");
  // postmaster.pid's eighth line is the server's state; "ready" once it takes connections.
  for (int i = 0; i < 3000; ++i) {
    std::istringstream pid_file(read_file(m_dir / "data" / "postmaster.pid"));
    std::string line;
    for (int n = 0; n < 8 && std::getline(pid_file, line); ++n) {
    }
    if (line.starts_with("ready")) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string output = log();
  m_server.reset();
  throw std::runtime_error("PostgreSQL did not start within 30 s: " + output);
}

PrivatePostgres::~PrivatePostgres() {
  if (m_server) {
    m_server->signal(SIGINT);  // fast shutdown
    m_server->wait(std::chrono::seconds(30));
    m_server.reset();
  }
  std::error_code ec;
  fs::remove_all(m_dir, ec);
}

std::string PrivatePostgres::uri(const std::string& database) const {
  return "postgresql://shubbak@/" + database + "?host=" + m_dir.string();
}

std::string PrivatePostgres::create_database(const std::string& name) {
  auto admin = postgres::Connection::connect(uri());
  if (!admin) throw std::runtime_error(admin.error().describe());
  if (auto ok = admin->query("CREATE DATABASE \"" + name + "\""); !ok)
    throw std::runtime_error(ok.error().describe());
  return uri(name);
}

int PrivatePostgres::pid() const {
  return m_server->pid();
}

std::string PrivatePostgres::log() const {
  return m_server ? m_server->stderr_text() + m_server->stdout_text() : std::string();
}

}  // namespace shubbak::testing
