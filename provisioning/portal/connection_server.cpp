#include "provisioning/portal/connection_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "provisioning/portal/connection_gate.hpp"

namespace shubbak::portal {

namespace {

struct Accepted {
  int fd;
  std::string address;
  int port;
};

// The numeric address and port of a socket address.
std::pair<std::string, int> describe(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  return {text, port};
}

// A listening socket on host:port. SO_REUSEADDR only lets a restarted portal bind while old
// connections linger in TIME_WAIT; unlike SO_REUSEPORT (which cpp-httplib sets, and which let a
// second portal share the port and take half the connections) it never admits a second
// listener.
Expected<int> listen_on(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return fail(Errc::config,
                fmt::format("cannot listen on {}:{}: {}", host, port, ::gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    found->ai_protocol);
  if (fd < 0) return fail_errno(Errc::io, "cannot make the listening socket", errno);
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
    int error = errno;
    ::close(fd);
    if (error == EADDRINUSE) {
      return fail(Errc::io, fmt::format("cannot listen on {}:{}: the port is already in use (is "
                                        "another portal running?)",
                                        host, port));
    }
    return fail_errno(Errc::io, fmt::format("cannot listen on {}:{}", host, port), error);
  }
  if (::listen(fd, 256) != 0) {
    int error = errno;
    ::close(fd);
    return fail_errno(Errc::io, fmt::format("cannot listen on {}:{}", host, port), error);
  }
  return fd;
}

// A listening Unix socket at `path` (a stale one left by a killed portal is replaced), readable
// and writable by its owner and group only: the gateway's user must share the group.
Expected<int> listen_on_unix(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof address.sun_path)
    return fail(Errc::config, fmt::format("socket path {} is too long", path.string()));
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return fail_errno(Errc::io, "cannot make the gateway socket", errno);
  std::error_code ignored;
  if (std::filesystem::is_socket(path, ignored)) std::filesystem::remove(path, ignored);
  mode_t old_mask = ::umask(0117);  // made 0660 from the start, never briefly open to all
  int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  int error = errno;
  ::umask(old_mask);
  if (bound != 0 || ::listen(fd, 256) != 0) {
    if (bound == 0) error = errno;
    ::close(fd);
    return fail_errno(Errc::io, fmt::format("cannot listen on {}", path.string()), error);
  }
  return fd;
}

}  // namespace

struct ConnectionServer::Impl {
  Impl(ConnectionLimits l, const TlsContext* t, Handler h, Log g)
      : limits(l),
        tls(t),
        handler(std::move(h)),
        log(std::move(g)),
        gate(l.max_connections, l.max_connections_per_address) {}

  ConnectionLimits limits;
  const TlsContext* tls;            // null: plain connections (the gateway's Unix socket)
  std::filesystem::path unix_path;  // removed at stop
  Handler handler;
  Log log;
  ConnectionGate gate;
  int listen_fd = -1;
  int stop_fd = -1;  // an eventfd, readable once stopping
  int port = 0;
  std::thread acceptor;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Accepted> queue;
  std::vector<std::thread> workers;
  std::size_t idle_workers = 0;
  bool stopping = false;

  // Refusals are counted and reported at most once a second, so a flood does not flood the log.
  std::size_t refused_since_report = 0;
  Clock::time_point last_report{};

  ~Impl() {
    if (listen_fd >= 0) ::close(listen_fd);
    std::error_code ignored;
    if (!unix_path.empty()) std::filesystem::remove(unix_path, ignored);
    if (stop_fd >= 0) ::close(stop_fd);
  }

  void accept_loop() {
    for (;;) {
      pollfd fds[2] = {{listen_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
      int ready = ::poll(fds, 2, -1);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0 || fds[1].revents != 0) return;
      sockaddr_storage peer{};
      socklen_t length = sizeof peer;
      int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &length,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: give the open connections a moment to finish.
          log.warn("cannot accept a connection: {}", std::strerror(errno));
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        continue;  // EAGAIN, ECONNABORTED, EINTR and the like
      }
      auto [address, port_number] =
          tls ? describe(peer) : std::pair<std::string, int>("gateway", 0);
      if (!gate.admit(address)) {
        ::close(fd);
        note_refusal(address);
        continue;
      }
      int one = 1;
      // Replies are small writes: without TCP_NODELAY, Nagle's algorithm and the client's
      // delayed ACK add some 40 ms to every batch.
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      dispatch(Accepted{fd, std::move(address), port_number});
    }
  }

  void note_refusal(const std::string& address) {
    ++refused_since_report;
    auto now = Clock::now();
    if (now - last_report < std::chrono::seconds(1)) return;
    log.warn(
        "refused {} connection(s) over the limits (latest from {}: {} open from it, at most {}; "
        "{} open in all, at most {})",
        refused_since_report, address, gate.open_from(address), limits.max_connections_per_address,
        gate.open_total(), limits.max_connections);
    refused_since_report = 0;
    last_report = now;
  }

  // Hands an admitted connection to a worker; starts one when none is idle. The gate keeps the
  // number of admitted connections, hence of workers, at most max_connections.
  void dispatch(Accepted accepted) {
    std::lock_guard lock(mutex);
    queue.push_back(std::move(accepted));
    if (idle_workers < queue.size()) workers.emplace_back([this] { work(); });
    wake.notify_one();
  }

  void work() {
    for (;;) {
      Accepted accepted;
      {
        std::unique_lock lock(mutex);
        ++idle_workers;
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        --idle_workers;
        if (queue.empty()) return;  // stopping
        accepted = std::move(queue.front());
        queue.pop_front();
      }
      serve(accepted);
      gate.release(accepted.address);
    }
  }

  void serve(const Accepted& accepted) {
    TlsConnection connection(accepted.fd, accepted.address, accepted.port, tls, stop_fd);
    if (auto ok = connection.handshake(Clock::now() + limits.handshake_timeout); !ok) {
      log.debug("connection from {}: {}", accepted.address, ok.error().message);
      return;
    }
    bool drain = handler(connection);
    connection.close_gracefully(drain, Clock::now() + std::chrono::seconds(2));
  }
};

ConnectionServer::ConnectionServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

ConnectionServer::~ConnectionServer() {
  stop();
}

Expected<std::unique_ptr<ConnectionServer>> ConnectionServer::start(const std::string& host,
                                                                    int port,
                                                                    ConnectionLimits limits,
                                                                    const TlsContext& tls,
                                                                    Handler handler, Log log) {
  if (limits.max_connections == 0 || limits.max_connections_per_address == 0)
    return fail(Errc::config, "connection limits must be at least 1");
  auto fd = listen_on(host, port);
  if (!fd) return std::unexpected(fd.error());
  auto impl = std::make_unique<Impl>(limits, &tls, std::move(handler), std::move(log));
  impl->listen_fd = *fd;
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (::getsockname(impl->listen_fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0)
    return fail_errno(Errc::io, "cannot read the listening address", errno);
  impl->port = describe(bound).second;
  return run(std::move(impl));
}

Expected<std::unique_ptr<ConnectionServer>> ConnectionServer::start_gateway(
    const std::filesystem::path& path, ConnectionLimits limits, Handler handler, Log log) {
  if (limits.max_connections == 0)
    return fail(Errc::config, "connection limits must be at least 1");
  // Every connection comes from the one gateway: only the total is limited.
  limits.max_connections_per_address = limits.max_connections;
  auto fd = listen_on_unix(path);
  if (!fd) return std::unexpected(fd.error());
  auto impl = std::make_unique<Impl>(limits, nullptr, std::move(handler), std::move(log));
  impl->listen_fd = *fd;
  impl->unix_path = path;
  return run(std::move(impl));
}

Expected<std::unique_ptr<ConnectionServer>> ConnectionServer::run(std::unique_ptr<Impl> impl) {
  impl->stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl->stop_fd < 0) return fail_errno(Errc::io, "cannot make an eventfd", errno);
  Impl& s = *impl;
  s.acceptor = std::thread([&s] { s.accept_loop(); });
  return std::unique_ptr<ConnectionServer>(new ConnectionServer(std::move(impl)));
}

int ConnectionServer::port() const {
  return m_impl->port;
}

void ConnectionServer::stop() {
  if (!m_impl) return;
  Impl& s = *m_impl;
  {
    std::lock_guard lock(s.mutex);
    if (s.stopping) return;
    s.stopping = true;
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(s.stop_fd, &one, sizeof one);
  s.wake.notify_all();
  if (s.acceptor.joinable()) s.acceptor.join();
  // The acceptor has stopped, so no worker is added any more.
  for (auto& worker : s.workers) worker.join();
  for (auto& left : s.queue) ::close(left.fd);
  s.queue.clear();
}

}  // namespace shubbak::portal
