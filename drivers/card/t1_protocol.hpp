// The T=1 block protocol (ISO/IEC 7816-3 section 11), for readers that exchange TPDUs: block
// framing with an LRC, chaining in both directions, IFS negotiation, waiting-time extensions
// (bounded, so a card cannot hold the kiosk forever) and error recovery by R-blocks. Every loop
// is bounded in exchanges: a card's S-requests, empty chained blocks and tiny pieces end the
// APDU with an error. Bounds in time belong to the exchange (the reader's deadline).
#pragma once

#include <cstdint>
#include <functional>

#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

struct T1Block {
  static constexpr std::size_t k_max_inf = 254;
  std::uint8_t nad = 0;
  std::uint8_t pcb = 0;
  Bytes inf;

  bool is_information() const { return (pcb & 0x80) == 0; }
  bool is_receive_ready() const { return (pcb & 0xC0) == 0x80; }
  bool is_supervisory() const { return (pcb & 0xC0) == 0xC0; }
  int send_sequence() const { return (pcb >> 6) & 1; }     // I-block N(S)
  bool more() const { return (pcb & 0x20) != 0; }          // I-block M
  int receive_sequence() const { return (pcb >> 4) & 1; }  // R-block N(R)
};

namespace t1 {
inline constexpr std::uint8_t k_resynch_request = 0xC0;
inline constexpr std::uint8_t k_ifs_request = 0xC1;
inline constexpr std::uint8_t k_abort_request = 0xC2;
inline constexpr std::uint8_t k_wtx_request = 0xC3;
inline constexpr std::uint8_t k_response_bit = 0x20;
inline std::uint8_t i_pcb(int ns, bool more) {
  return static_cast<std::uint8_t>((ns << 6) | (more ? 0x20 : 0));
}
inline std::uint8_t r_pcb(int nr, std::uint8_t error_bits = 0) {
  return static_cast<std::uint8_t>(0x80 | (nr << 4) | error_bits);
}
}  // namespace t1

std::uint8_t t1_lrc(ByteView bytes);
Bytes encode_t1_block(const T1Block& block);
// Checks the prologue, the length against the bytes and the LRC.
Expected<T1Block> parse_t1_block(ByteView bytes);

class T1Protocol {
 public:
  // Sends one block to the card and returns the card's block. `bwi_multiplier` is 1, or the
  // factor a waiting-time extension asked for (the reader waits that much longer).
  using Exchange = std::function<Expected<Bytes>(ByteView block, std::uint8_t bwi_multiplier)>;

  static constexpr int k_max_retries = 3;            // per block, before giving up
  static constexpr int k_max_wtx_per_exchange = 16;  // a card asking for more is refused
  static constexpr std::size_t k_max_response = 65538;
  // S(IFS) requests the card may send in a row before a block is answered; real cards send one.
  static constexpr int k_max_s_requests_per_block = 4;
  // Empty I-blocks with the more bit the card may send in one answer: they carry nothing.
  static constexpr int k_max_empty_chained_blocks = 2;
  // Exchanges one APDU may take: twice the full blocks the bytes moved so far need, plus this
  // slack for retries, WTX and S-blocks. A card answering in one-byte pieces is stopped after
  // about that many, whatever the length it promises.
  static constexpr int k_exchange_slack = 64;

  T1Protocol(Exchange exchange, std::uint8_t ifsc, std::uint8_t ifsd = 254);

  // Tells the card how much we can take in one block (S(IFS request)).
  Expected<void> negotiate_ifsd();
  // Sends a whole APDU (chained into IFSC-sized blocks) and returns the whole response.
  Expected<Bytes> transceive(ByteView apdu);

  std::uint8_t ifsc() const { return m_ifsc; }
  int wtx_requests_seen() const { return m_wtx_seen; }
  int exchanges_last_apdu() const { return m_exchanges; }

 private:
  // One block out, one valid block back, answering the card's S-requests on the way.
  Expected<T1Block> exchange_block(const T1Block& block);

  Exchange m_exchange;
  std::uint8_t m_ifsc;
  std::uint8_t m_ifsd;
  int m_send_sequence = 0;     // N(S) of our next I-block
  int m_receive_sequence = 0;  // N(S) we expect on the card's next I-block
  int m_wtx_seen = 0;
  int exchange_limit() const;

  int m_exchanges = 0;           // blocks sent for the APDU under way (or the IFS negotiation)
  std::size_t m_bytes_sent = 0;  // of the APDU under way, acknowledged by the card
  std::size_t m_bytes_received = 0;
};

}  // namespace shubbak
