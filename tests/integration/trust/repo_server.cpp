#include "tests/integration/trust/repo_server.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <httplib.h>

namespace shubbak::testing {

namespace {

constexpr std::size_t k_endless_limit = 64 * 1024 * 1024;  // bounded even if nobody hangs up
constexpr int k_trickle_limit_bytes = 100;                 // 1 byte / 200 ms: at most 20 s

}  // namespace

RepoServer::RepoServer(std::filesystem::path root, std::optional<TlsFiles> tls)
    : m_root(std::move(root)) {
  if (tls) {
    m_server = std::make_unique<httplib::SSLServer>(tls->cert.c_str(), tls->key.c_str(),
                                                    tls->client_ca.c_str());
    m_tls = true;
  } else {
    m_server = std::make_unique<httplib::Server>();
  }
  if (!m_server->is_valid()) throw std::runtime_error("cannot set up the test HTTP server");
  m_server->Get(R"(/.*)", [this](const httplib::Request& request, httplib::Response& response) {
    std::optional<Fault> fault;
    std::optional<std::string> replaced;
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request.path);
      if (auto it = m_faults.find(request.path); it != m_faults.end()) fault = it->second;
      if (auto it = m_replaced.find(request.path); it != m_replaced.end()) replaced = it->second;
    }
    if (fault == Fault::endless) {
      response.set_chunked_content_provider("application/octet-stream",
                                            [this](std::size_t offset, httplib::DataSink& sink) {
                                              static const std::string block(64 * 1024, 'x');
                                              if (m_stopping || offset > k_endless_limit) {
                                                sink.done();
                                                return true;
                                              }
                                              return sink.write(block.data(), block.size());
                                            });
      return;
    }
    if (fault == Fault::trickle) {
      response.set_chunked_content_provider(
          "application/octet-stream", [this](std::size_t offset, httplib::DataSink& sink) {
            if (m_stopping || offset >= k_trickle_limit_bytes) {
              sink.done();
              return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            return sink.write("{", 1);
          });
      return;
    }
    if (replaced) {
      response.set_content(*replaced, "application/octet-stream");
      return;
    }
    std::filesystem::path file = m_root / request.path.substr(1);
    if (request.path.find("..") != std::string::npos || !std::filesystem::is_regular_file(file)) {
      response.status = 404;
      return;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    response.set_content(body.str(), "application/octet-stream");
  });
  m_port = m_server->bind_to_any_port("127.0.0.1");
  if (m_port <= 0) throw std::runtime_error("cannot bind the test HTTP server on 127.0.0.1");
  m_thread = std::thread([this] { m_server->listen_after_bind(); });
  // Bounded wait for the listening thread.
  for (int i = 0; i < 5000 && !m_server->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!m_server->is_running()) throw std::runtime_error("the test HTTP server did not start");
}

RepoServer::~RepoServer() {
  m_stopping = true;
  m_server->stop();
  if (m_thread.joinable()) m_thread.join();
}

std::string RepoServer::url() const {
  return (m_tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(m_port);
}

void RepoServer::replace(const std::string& path, std::string body) {
  std::lock_guard lock(m_mutex);
  m_replaced[path] = std::move(body);
}

void RepoServer::endless(const std::string& path) {
  std::lock_guard lock(m_mutex);
  m_faults[path] = Fault::endless;
}

void RepoServer::trickle(const std::string& path) {
  std::lock_guard lock(m_mutex);
  m_faults[path] = Fault::trickle;
}

void RepoServer::clear_faults() {
  std::lock_guard lock(m_mutex);
  m_faults.clear();
  m_replaced.clear();
}

std::vector<std::string> RepoServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

void RepoServer::clear_requests() {
  std::lock_guard lock(m_mutex);
  m_requests.clear();
}

}  // namespace shubbak::testing
