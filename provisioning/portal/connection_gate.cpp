#include "provisioning/portal/connection_gate.hpp"

namespace shubbak::portal {

ConnectionGate::ConnectionGate(std::size_t max_total, std::size_t max_per_address)
    : m_max_total(max_total), m_max_per_address(max_per_address) {}

bool ConnectionGate::admit(const std::string& address) {
  std::lock_guard lock(m_mutex);
  if (m_total >= m_max_total) return false;
  std::size_t& from_address = m_per_address[address];
  if (from_address >= m_max_per_address) {
    if (from_address == 0) m_per_address.erase(address);
    return false;
  }
  ++from_address;
  ++m_total;
  return true;
}

void ConnectionGate::release(const std::string& address) {
  std::lock_guard lock(m_mutex);
  auto found = m_per_address.find(address);
  if (found == m_per_address.end()) return;
  if (--found->second == 0) m_per_address.erase(found);
  --m_total;
}

std::size_t ConnectionGate::open_total() const {
  std::lock_guard lock(m_mutex);
  return m_total;
}

std::size_t ConnectionGate::open_from(const std::string& address) const {
  std::lock_guard lock(m_mutex);
  auto found = m_per_address.find(address);
  return found == m_per_address.end() ? 0 : found->second;
}

}  // namespace shubbak::portal
