#include "tests/support/usb/fake_ccid_reader.hpp"

#include <algorithm>

#include "drivers/card/ccid_message.hpp"
#include "drivers/card/t1_protocol.hpp"

namespace shubbak::testing {

namespace {
constexpr std::uint8_t k_bulk_out = 0x01;
constexpr std::uint8_t k_bulk_in = 0x82;
constexpr std::uint8_t k_interrupt_in = 0x83;
}  // namespace

FakeCcidReader::FakeCcidReader(FakeCcidConfig config, std::optional<SimulatedCard> card)
    : m_config(config), m_card(std::move(card)) {}

Bytes FakeCcidReader::class_descriptor(std::uint32_t features, std::uint32_t max_message,
                                       std::uint32_t protocols) {
  Bytes d(54, 0);
  d[0] = 54;
  d[1] = 0x21;
  d[2] = 0x10;  // bcdCCID 1.10
  d[3] = 0x01;
  d[5] = 0x07;  // 5 V, 3 V, 1.8 V
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      d[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  put32(6, protocols);
  put32(10, 4000);  // default clock kHz
  put32(14, 4000);
  put32(19, 10752);  // data rate
  put32(23, 10752);
  put32(28, 254);  // max IFSD
  put32(40, features);
  put32(44, max_message);
  d[48] = 0xFF;
  d[49] = 0xFF;
  d[53] = 0x01;
  return d;
}

Bytes FakeCcidReader::descriptors() const {
  std::uint32_t features = 0;
  std::uint32_t protocols = 0x03;
  switch (m_config.exchange) {
    case FakeExchange::short_apdu:
      features = 0x000200FE;
      break;
    case FakeExchange::extended_apdu:
      features = 0x000400FE;
      break;
    // TPDU readers that leave PPS and IFSD to the host, so both are exercised.
    case FakeExchange::tpdu_t1:
      features = 0x0001003E;
      break;
    case FakeExchange::tpdu_t0:
      features = 0x0001003E;
      protocols = 0x01;
      break;
  }
  InterfaceSpec ccid{0x0B,
                     0x00,
                     0x00,
                     class_descriptor(features, m_config.announced_max_message, protocols),
                     {{k_bulk_out, 2}, {k_bulk_in, 2}}};
  if (m_config.interrupt_endpoint) ccid.endpoints.push_back({k_interrupt_in, 3, 8});
  return usb_descriptors(m_config.vendor_id, m_config.product_id, {ccid});
}

void FakeCcidReader::insert_card(SimulatedCard card) {
  std::lock_guard lock(m_mutex);
  m_card = std::move(card);
  m_powered = false;
  m_interrupt_in.push_back(Bytes{ccid::k_notify_slot_change, 0x03});
}

void FakeCcidReader::remove_card() {
  std::lock_guard lock(m_mutex);
  m_card.reset();
  m_powered = false;
  m_interrupt_in.push_back(Bytes{ccid::k_notify_slot_change, 0x02});
}

void FakeCcidReader::stall_next_commands(int count) {
  std::lock_guard lock(m_mutex);
  m_stall_next = count;
}
void FakeCcidReader::ignore_next_commands(int count) {
  std::lock_guard lock(m_mutex);
  m_ignore_next = count;
}
void FakeCcidReader::time_extensions_before_answer(int count) {
  std::lock_guard lock(m_mutex);
  m_time_extensions = count;
}
void FakeCcidReader::stale_answer_before_next() {
  std::lock_guard lock(m_mutex);
  m_stale_next = true;
}
void FakeCcidReader::t1_wtx_requests(int count, std::uint8_t multiplier) {
  std::lock_guard lock(m_mutex);
  m_wtx_pending = count;
  m_wtx_multiplier = multiplier;
}
void FakeCcidReader::t1_corrupt_next_block() {
  std::lock_guard lock(m_mutex);
  m_corrupt_next = true;
}
void FakeCcidReader::unplug_on_next_xfr(EmulatedUsbDevice* device) {
  std::lock_guard lock(m_mutex);
  m_unplug_on_xfr = device;
}

void FakeCcidReader::t1_ifs_requests(int count) {
  std::lock_guard lock(m_mutex);
  m_ifs_flood = count;
}
void FakeCcidReader::t1_empty_chained_blocks(int count) {
  std::lock_guard lock(m_mutex);
  m_empty_chain = count;
}
void FakeCcidReader::t1_answer_in_pieces(std::size_t size, bool wtx_before_each) {
  std::lock_guard lock(m_mutex);
  m_piece_size = size;
  m_wtx_every_piece = wtx_before_each;
}
void FakeCcidReader::delay_each_command(std::chrono::milliseconds delay) {
  m_delay_ms = static_cast<int>(delay.count());
}

void FakeCcidReader::fail_next_slot_status(std::uint8_t error) {
  std::lock_guard lock(m_mutex);
  m_fail_slot_status = error;
}
void FakeCcidReader::halt_interrupt_endpoint() {
  std::lock_guard lock(m_mutex);
  m_interrupt_halted = true;
}
void FakeCcidReader::halt_cleared(std::uint8_t endpoint) {
  std::lock_guard lock(m_mutex);
  if (endpoint == k_interrupt_in) m_interrupt_halted = false;
}
std::size_t FakeCcidReader::interrupt_pending() const {
  std::lock_guard lock(m_mutex);
  return m_interrupt_in.size();
}

std::uint8_t FakeCcidReader::icc_status() const {
  if (!m_card) return 2;
  return m_powered ? 0 : 1;
}

void FakeCcidReader::answer(std::uint8_t type, std::uint8_t sequence, std::uint8_t status,
                            std::uint8_t error, std::uint8_t specific, ByteView payload) {
  if (m_stale_next) {
    m_stale_next = false;
    m_bulk_in.push_back(encode_ccid_command(type, 0, static_cast<std::uint8_t>(sequence - 1),
                                            {icc_status(), 0, 0}));
  }
  for (; m_time_extensions > 0; --m_time_extensions) {
    m_bulk_in.push_back(
        encode_ccid_command(ccid::k_data_block, 0, sequence,
                            {static_cast<std::uint8_t>(0x80 | icc_status()), 0x01, 0x00}));
  }
  m_bulk_in.push_back(encode_ccid_command(type, 0, sequence, {status, error, specific}, payload));
}

EmulatedBehaviour::InAnswer FakeCcidReader::control(ByteView setup, ByteView) {
  std::lock_guard lock(m_mutex);
  // CCID class request ABORT (0x01) to interface 0: remember bSeq for PC_to_RDR_Abort.
  if (setup[0] == 0x21 && setup[1] == 0x01 && setup[4] == 0) {
    m_abort_requested = setup[3];
    // The aborted command's answers not yet read are dropped, as a reader stops working on it.
    std::erase_if(m_bulk_in, [&](const Bytes& m) { return m.size() > 6 && m[6] == setup[3]; });
    return InAnswer{InAnswer::State::data, {}};
  }
  return InAnswer{InAnswer::State::stall, {}};
}

EmulatedBehaviour::Outcome FakeCcidReader::out(std::uint8_t endpoint, ByteView data) {
  std::lock_guard lock(m_mutex);
  // A slow reader: what this command makes it answer comes no sooner than the delay.
  if (int delay = m_delay_ms; delay > 0 && endpoint == k_bulk_out)
    m_answers_not_before = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay);
  if (endpoint != k_bulk_out) return Outcome::stall;
  if (data.size() > m_config.real_max_message || m_stall_next > 0) {
    if (m_stall_next > 0) --m_stall_next;
    ++m_stalls;
    return Outcome::stall;
  }
  if (data.size() < ccid::k_header_size) return Outcome::stall;
  if (m_ignore_next > 0) {
    --m_ignore_next;
    return Outcome::done;
  }
  std::uint8_t type = data[0];
  std::uint8_t sequence = data[6];
  ByteView payload = data.subspan(ccid::k_header_size);
  std::uint8_t absent_failed = static_cast<std::uint8_t>(0x40 | icc_status());
  switch (type) {
    case ccid::k_abort:
      if (m_abort_requested == sequence) {
        ++m_aborts;
        m_abort_requested.reset();
        answer(ccid::k_slot_status, sequence, icc_status(), 0, 0, {});
      } else {
        answer(ccid::k_slot_status, sequence, static_cast<std::uint8_t>(0x40 | icc_status()), 0x05,
               0, {});
      }
      break;
    case ccid::k_get_slot_status:
      if (m_fail_slot_status) {
        answer(ccid::k_slot_status, sequence, static_cast<std::uint8_t>(0x40 | icc_status()),
               *m_fail_slot_status, 0, {});
        m_fail_slot_status.reset();
        break;
      }
      answer(ccid::k_slot_status, sequence, icc_status(), 0, 0, {});
      break;
    case ccid::k_icc_power_on:
      if (!m_card) {
        answer(ccid::k_data_block, sequence, absent_failed, 0xFE, 0, {});
        break;
      }
      m_card->reset();
      m_powered = true;
      m_card_send_sequence = 0;
      m_card_receive_sequence = 0;
      m_ifsd = 32;
      // A reset card has forgotten any chain it was in the middle of.
      m_t1_command.clear();
      m_t1_response.clear();
      m_t1_response_sent = 0;
      answer(ccid::k_data_block, sequence, 0, 0, 0, m_card->atr());
      break;
    case ccid::k_icc_power_off:
      m_powered = false;
      answer(ccid::k_slot_status, sequence, icc_status(), 0, 0, {});
      break;
    case ccid::k_set_parameters:
      m_protocol_set = data[7];
      answer(ccid::k_parameters, sequence, icc_status(), 0, data[7], payload);
      break;
    case ccid::k_xfr_block: {
      ++m_xfr_blocks;
      if (m_unplug_on_xfr) {
        m_unplug_on_xfr->unplug();
        m_unplug_on_xfr = nullptr;
        return Outcome::done;  // the command went out; the answer never comes
      }
      if (!m_card || !m_powered) {
        answer(ccid::k_data_block, sequence, absent_failed, 0xFE, 0, {});
        break;
      }
      xfr_block(sequence, static_cast<std::uint16_t>(data[8] | (data[9] << 8)), payload);
      break;
    }
    default:
      answer(ccid::k_slot_status, sequence, static_cast<std::uint8_t>(0x40 | icc_status()), 0x00, 0,
             {});
  }
  return Outcome::done;
}

void FakeCcidReader::xfr_block(std::uint8_t sequence, std::uint16_t level, ByteView data) {
  if (m_config.exchange == FakeExchange::tpdu_t1) {
    t1_block(sequence, data);
    return;
  }
  if (m_config.exchange == FakeExchange::tpdu_t0) {
    Bytes response = m_card->process(data);
    answer(ccid::k_data_block, sequence, 0, 0, 0, response);
    return;
  }
  std::size_t room = m_config.real_max_message - ccid::k_header_size;
  auto send_piece = [&](bool first) {
    std::size_t n = std::min(room, m_response_rest.size());
    Bytes piece(m_response_rest.begin(), m_response_rest.begin() + static_cast<std::ptrdiff_t>(n));
    m_response_rest.erase(m_response_rest.begin(),
                          m_response_rest.begin() + static_cast<std::ptrdiff_t>(n));
    bool last = m_response_rest.empty();
    std::uint8_t chain = first ? (last ? 0x00 : 0x01) : (last ? 0x02 : 0x03);
    answer(ccid::k_data_block, sequence, 0, 0, chain, piece);
  };
  if (level == 0x10) {
    send_piece(false);
    return;
  }
  m_command_chain.insert(m_command_chain.end(), data.begin(), data.end());
  if (level == 0x01 || level == 0x03) {
    answer(ccid::k_data_block, sequence, 0, 0, 0x10, {});
    return;
  }
  m_largest_apdu = std::max<std::size_t>(m_largest_apdu, m_command_chain.size());
  m_response_rest = m_card->process(m_command_chain);
  m_command_chain.clear();
  send_piece(true);
}

void FakeCcidReader::t1_send(std::uint8_t sequence, Bytes block) {
  m_t1_last_block = block;
  if (m_corrupt_next) {
    m_corrupt_next = false;
    block.back() ^= 0x5A;
  }
  answer(ccid::k_data_block, sequence, 0, 0, 0, block);
}

void FakeCcidReader::t1_send_response_chunk(std::uint8_t sequence) {
  if (m_empty_chain > 0) {
    --m_empty_chain;
    T1Block empty{0, t1::i_pcb(m_card_send_sequence, true), {}};
    m_card_send_sequence ^= 1;
    t1_send(sequence, encode_t1_block(empty));
    return;
  }
  std::size_t left = m_t1_response.size() - m_t1_response_sent;
  std::size_t n = std::min<std::size_t>(m_ifsd, left);
  if (m_piece_size > 0) n = std::min(n, m_piece_size);
  bool more = n < left;
  auto begin = m_t1_response.begin() + static_cast<std::ptrdiff_t>(m_t1_response_sent);
  T1Block block{0, t1::i_pcb(m_card_send_sequence, more),
                Bytes(begin, begin + static_cast<std::ptrdiff_t>(n))};
  m_card_send_sequence ^= 1;
  m_t1_response_sent += n;
  t1_send(sequence, encode_t1_block(block));
}

void FakeCcidReader::t1_block(std::uint8_t sequence, ByteView data) {
  auto block = parse_t1_block(data);
  if (!block) {
    t1_send(sequence, encode_t1_block(T1Block{0, t1::r_pcb(m_card_receive_sequence, 0x01), {}}));
    return;
  }
  if (m_ifs_flood > 0) {
    --m_ifs_flood;
    t1_send(sequence, encode_t1_block(T1Block{0, t1::k_ifs_request, {32}}));
    return;
  }
  if (block->is_supervisory()) {
    if (block->pcb == t1::k_ifs_request && block->inf.size() == 1) {
      m_ifsd = block->inf[0];
      t1_send(sequence, encode_t1_block(T1Block{0, 0xE1, block->inf}));
    } else if (block->pcb == (t1::k_wtx_request | t1::k_response_bit)) {
      ++m_wtx_answered;
      if (m_wtx_pending > 0) {
        --m_wtx_pending;
        t1_send(sequence, encode_t1_block(T1Block{0, t1::k_wtx_request, {m_wtx_multiplier}}));
      } else {
        t1_send_response_chunk(sequence);
      }
    } else {
      t1_send(sequence, encode_t1_block(T1Block{0, t1::r_pcb(m_card_receive_sequence, 0x02), {}}));
    }
    return;
  }
  if (block->is_receive_ready()) {
    if (block->receive_sequence() == m_card_send_sequence &&
        m_t1_response_sent < m_t1_response.size()) {
      if (m_wtx_every_piece)
        t1_send(sequence, encode_t1_block(T1Block{0, t1::k_wtx_request, {m_wtx_multiplier}}));
      else
        t1_send_response_chunk(sequence);  // acknowledgement: next piece of a chained answer
    } else {
      t1_send(sequence, m_t1_last_block);  // a request to repeat the last block
    }
    return;
  }
  if (block->send_sequence() != m_card_receive_sequence) {
    t1_send(sequence, encode_t1_block(T1Block{0, t1::r_pcb(m_card_receive_sequence, 0x02), {}}));
    return;
  }
  m_card_receive_sequence ^= 1;
  m_t1_command.insert(m_t1_command.end(), block->inf.begin(), block->inf.end());
  if (block->more()) {
    t1_send(sequence, encode_t1_block(T1Block{0, t1::r_pcb(m_card_receive_sequence), {}}));
    return;
  }
  m_largest_apdu = std::max<std::size_t>(m_largest_apdu, m_t1_command.size());
  m_t1_response = m_card->process(m_t1_command);
  m_t1_response_sent = 0;
  m_t1_command.clear();
  if (m_wtx_pending > 0) {
    --m_wtx_pending;
    t1_send(sequence, encode_t1_block(T1Block{0, t1::k_wtx_request, {m_wtx_multiplier}}));
    return;
  }
  t1_send_response_chunk(sequence);
}

EmulatedBehaviour::InAnswer FakeCcidReader::in(std::uint8_t endpoint, std::size_t max) {
  std::lock_guard lock(m_mutex);
  if (endpoint == k_interrupt_in && m_interrupt_halted) return InAnswer{InAnswer::State::stall, {}};
  if (endpoint != k_interrupt_in && std::chrono::steady_clock::now() < m_answers_not_before)
    return {};
  auto& queue = endpoint == k_interrupt_in ? m_interrupt_in : m_bulk_in;
  if (queue.empty()) return {};
  InAnswer answer{InAnswer::State::data, std::move(queue.front())};
  queue.pop_front();
  if (answer.data.size() > max) answer.data.resize(max);
  return answer;
}

}  // namespace shubbak::testing
