#include "tests/support/private_nginx.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace shubbak::testing {

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// A loopback port that was free a moment ago.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

PrivateNginx::PrivateNginx(const NginxSite& site) : m_dir(site.dir / "nginx") {
  fs::create_directories(m_dir / "temp");
  fs::create_directories(m_dir / "out");
  m_port = free_port();
  std::string conf = read_file(site.shipped_conf);
  std::string dir = site.dir.string() + "/";
  replace_all(conf, "/etc/shubbak-portal/", dir);
  replace_all(conf, "/run/shubbak-portal/", dir);
  replace_all(conf, "listen 443 ssl;", "listen 127.0.0.1:" + std::to_string(m_port) + " ssl;");
  if (site.connections_per_address > 0) {
    replace_all(
        conf, "limit_conn shubbak_per_address 16;",
        "limit_conn shubbak_per_address " + std::to_string(site.connections_per_address) + ";");
  }
  std::ofstream(m_dir / "shubbak-portal.conf") << conf;
  std::string temp = (m_dir / "temp").string();
  std::ostringstream main;
  // As root, the workers run as root too: the portals' sockets are the test's, mode 0660.
  main << "daemon off;\nmaster_process on;\nworker_processes 1;\n"
       << (::geteuid() == 0 ? "user root root;\n" : "") << "pid " << (m_dir / "nginx.pid").string()
       << ";\nerror_log stderr warn;\nworker_rlimit_nofile 65536;\nevents { worker_connections "
          "16384; }\nhttp {\n"
       << "  access_log off;\n  client_body_temp_path " << temp << "/body;\n  proxy_temp_path "
       << temp << "/proxy;\n  fastcgi_temp_path " << temp << "/fastcgi;\n  uwsgi_temp_path " << temp
       << "/uwsgi;\n  scgi_temp_path " << temp << "/scgi;\n  include "
       << (m_dir / "shubbak-portal.conf").string() << ";\n}\n";
  std::ofstream(m_dir / "nginx.conf") << main.str();
  m_process = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/sbin/nginx", "-p", m_dir.string(), "-e", "stderr", "-c",
                               (m_dir / "nginx.conf").string()},
      m_dir / "out");
  for (int i = 0; i < 500; ++i) {
    if (accepts(m_port)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string output = log();
  m_process.reset();
  throw std::runtime_error("nginx did not start: " + output);
}

PrivateNginx::~PrivateNginx() {
  if (!m_process) return;
  m_process->signal(SIGQUIT);                 // graceful: the master stops its workers
  m_process->wait(std::chrono::seconds(10));  // killed by pid if it overstays
}

}  // namespace shubbak::testing
