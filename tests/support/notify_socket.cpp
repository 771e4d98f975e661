#include "tests/support/notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace shubbak::testing {

bool NotifySocket::Message::has(std::string_view line) const {
  std::istringstream lines(text);
  for (std::string each; std::getline(lines, each);) {
    if (each == line) return true;
  }
  return false;
}

NotifySocket::NotifySocket(std::filesystem::path path) : m_path(std::move(path)) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (m_path.string().size() >= sizeof address.sun_path)
    throw std::runtime_error("notify socket path too long");
  std::strncpy(address.sun_path, m_path.c_str(), sizeof address.sun_path - 1);
  m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (m_fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    int error = errno;
    ::close(m_fd);
    throw std::runtime_error("bind " + m_path.string() + ": " + std::strerror(error));
  }
  m_reader = std::thread([this] { read_socket(); });
}

NotifySocket::~NotifySocket() {
  m_stop = true;
  m_reader.join();
  ::close(m_fd);
  std::error_code ec;
  std::filesystem::remove(m_path, ec);
}

void NotifySocket::read_socket() {
  while (!m_stop) {
    pollfd ready{m_fd, POLLIN, 0};
    if (::poll(&ready, 1, 20) <= 0) continue;  // wakes every 20 ms to see m_stop
    char buffer[4096];
    ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
    if (n < 0) continue;
    {
      std::lock_guard lock(m_mutex);
      m_messages.push_back(
          {std::string(buffer, static_cast<std::size_t>(n)), std::chrono::steady_clock::now()});
    }
    m_arrived.notify_all();
  }
}

std::optional<NotifySocket::Message> NotifySocket::receive(std::chrono::milliseconds limit) {
  std::unique_lock lock(m_mutex);
  if (!m_arrived.wait_for(lock, limit, [this] { return !m_messages.empty(); })) return std::nullopt;
  Message next = std::move(m_messages.front());
  m_messages.pop_front();
  return next;
}

std::optional<NotifySocket::Message> NotifySocket::wait_for(std::string_view line,
                                                            std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (auto now = std::chrono::steady_clock::now(); now < deadline;
       now = std::chrono::steady_clock::now()) {
    auto message = receive(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    if (message && message->has(line)) return message;
  }
  return std::nullopt;
}

}  // namespace shubbak::testing
