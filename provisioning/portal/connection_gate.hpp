// Admission of client connections at accept time: at most `max_total` open at once, and at
// most `max_per_address` from one client address, so a few slow or hostile clients cannot take
// every connection the portal has and starve the kiosks. A refused connection is closed before
// any byte of TLS is spent on it.
//
// Threading: any thread; calls are serialised inside.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace shubbak::portal {

class ConnectionGate final {
 public:
  ConnectionGate(std::size_t max_total, std::size_t max_per_address);

  // True (and counted) when one more connection from `address` fits both limits.
  bool admit(const std::string& address);
  // The connection admitted for `address` has closed.
  void release(const std::string& address);

  std::size_t open_total() const;
  std::size_t open_from(const std::string& address) const;

 private:
  const std::size_t m_max_total;
  const std::size_t m_max_per_address;
  mutable std::mutex m_mutex;
  std::size_t m_total = 0;
  std::map<std::string, std::size_t> m_per_address;  // only addresses with open connections
};

}  // namespace shubbak::portal
