#include "drivers/card/sim/sim_card_reader.hpp"

#include <thread>

#include <fmt/format.h>

namespace shubbak {

SimCardReader::SimCardReader(SimulatedCard card, bool card_inserted)
    : m_card(std::move(card)), m_inserted(card_inserted) {}

Expected<IccStatus> SimCardReader::slot_status() {
  std::lock_guard lock(m_mutex);
  if (!m_inserted) return IccStatus::absent;
  return m_powered ? IccStatus::active : IccStatus::present_inactive;
}

Expected<Atr> SimCardReader::power_on() {
  std::lock_guard lock(m_mutex);
  if (!m_inserted) return fail(Errc::not_found, "IccPowerOn: no card in the reader");
  m_card.reset();
  m_powered = true;
  return parse_atr(m_card.atr());
}

Expected<void> SimCardReader::power_off() {
  std::lock_guard lock(m_mutex);
  m_powered = false;
  m_card.reset();
  return {};
}

Expected<ResponseApdu> SimCardReader::transmit_raw(const CommandApdu& command) {
  std::unique_lock lock(m_mutex);
  if (m_latency.count() > 0) {
    auto latency = m_latency;
    lock.unlock();
    std::this_thread::sleep_for(latency);
    lock.lock();
  }
  if (m_failures_left > 0) {
    --m_failures_left;
    return fail(m_failure, "simulated reader fault");
  }
  if (!m_inserted) return fail(Errc::not_found, "no card in the reader");
  if (!m_powered) return fail(Errc::invalid_argument, "card is not powered");
  auto wire = command.encode(false);
  if (!wire) return std::unexpected(wire.error());
  Bytes answer = m_card.process(*wire);
  auto response = parse_response_apdu(answer);
  secure_wipe(answer);
  return response;
}

Expected<std::optional<bool>> SimCardReader::wait_for_card_change(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  m_changed.wait_for(lock, timeout, [&] { return m_change_count != m_changes_reported; });
  if (m_change_count == m_changes_reported) return std::optional<bool>();
  m_changes_reported = m_change_count;
  return std::optional<bool>(m_inserted);
}

void SimCardReader::set_inserted(bool inserted) {
  {
    std::lock_guard lock(m_mutex);
    if (m_inserted == inserted) return;
    m_inserted = inserted;
    m_powered = false;
    ++m_change_count;
  }
  m_changed.notify_all();
}

void SimCardReader::insert_card() {
  set_inserted(true);
}
void SimCardReader::remove_card() {
  set_inserted(false);
}

void SimCardReader::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(m_mutex);
  m_latency = latency;
}

void SimCardReader::fail_next(int count, Errc code) {
  std::lock_guard lock(m_mutex);
  m_failures_left = count;
  m_failure = code;
}

}  // namespace shubbak
