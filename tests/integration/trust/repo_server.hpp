// A real HTTP server (cpp-httplib) on 127.0.0.1 serving a published TUF repository directory,
// with faults an attacker on the path could cause: replaced files, endless bodies, trickling
// bodies. Optionally HTTPS with a required client certificate (mutual TLS).
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace shubbak::testing {

struct TlsFiles {
  std::filesystem::path cert, key, client_ca;
};

class RepoServer {
 public:
  explicit RepoServer(std::filesystem::path root, std::optional<TlsFiles> tls = std::nullopt);
  ~RepoServer();
  RepoServer(const RepoServer&) = delete;
  RepoServer& operator=(const RepoServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT" (or https)

  // Faults for one URL path, e.g. "/metadata/timestamp.json".
  void replace(const std::string& path, std::string body);
  void endless(const std::string& path);
  void trickle(const std::string& path);
  void clear_faults();

  std::vector<std::string> requests() const;
  void clear_requests();

 private:
  enum class Fault { endless, trickle };
  std::filesystem::path m_root;
  std::unique_ptr<httplib::Server> m_server;
  std::thread m_thread;
  int m_port = 0;
  bool m_tls = false;
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_replaced;
  std::map<std::string, Fault> m_faults;
  std::vector<std::string> m_requests;
  std::atomic<bool> m_stopping = false;
};

}  // namespace shubbak::testing
