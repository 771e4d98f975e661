#include "drivers/card/t1_protocol.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace shubbak {

std::uint8_t t1_lrc(ByteView bytes) {
  std::uint8_t x = 0;
  for (auto b : bytes) x ^= b;
  return x;
}

Bytes encode_t1_block(const T1Block& block) {
  Bytes out;
  out.reserve(block.inf.size() + 4);
  out.push_back(block.nad);
  out.push_back(block.pcb);
  out.push_back(static_cast<std::uint8_t>(block.inf.size()));
  for (auto b : block.inf) out.push_back(b);
  out.push_back(t1_lrc(out));
  return out;
}

Expected<T1Block> parse_t1_block(ByteView b) {
  if (b.size() < 4) return fail(Errc::parse, fmt::format("T=1: block of {} bytes", b.size()));
  T1Block block{b[0], b[1], {}};
  std::size_t length = b[2];
  if (length == 0xFF) return fail(Errc::parse, "T=1: LEN FF is reserved");
  if (length + 4 != b.size()) {
    return fail(Errc::parse, fmt::format("T=1: LEN {} but {} bytes", length, b.size()));
  }
  if (t1_lrc(b) != 0) return fail(Errc::parse, "T=1: LRC mismatch");
  block.inf.assign(b.begin() + 3, b.end() - 1);
  return block;
}

T1Protocol::T1Protocol(Exchange exchange, std::uint8_t ifsc, std::uint8_t ifsd)
    : m_exchange(std::move(exchange)),
      m_ifsc(std::clamp<std::uint8_t>(ifsc, 1, 254)),
      m_ifsd(std::clamp<std::uint8_t>(ifsd, 1, 254)) {}

Expected<T1Block> T1Protocol::exchange_block(const T1Block& block) {
  T1Block current = block;
  std::uint8_t multiplier = 1;
  int errors = 0;
  int wtx = 0;
  int s_requests = 0;
  while (true) {
    // A card can keep every single block legal and still never finish: count them all.
    int limit = exchange_limit();
    if (++m_exchanges > limit) {
      return fail(Errc::device,
                  fmt::format("T=1: card still not done after {} exchanges; giving up", limit));
    }
    auto raw = m_exchange(encode_t1_block(current), multiplier);
    if (!raw) return std::unexpected(raw.error());
    multiplier = 1;
    auto reply = parse_t1_block(*raw);
    if (!reply) {
      // A garbled block: ask the card to send its last block again (R-block, EDC error).
      if (++errors > k_max_retries) {
        return fail(Errc::device, fmt::format("T=1: {} garbled blocks in a row ({})", errors,
                                              reply.error().message));
      }
      current = T1Block{0, t1::r_pcb(m_receive_sequence, 0x01), {}};
      continue;
    }
    if (reply->is_supervisory() && !(reply->pcb & t1::k_response_bit)) {
      std::uint8_t request = reply->pcb;
      if (request == t1::k_wtx_request) {
        if (reply->inf.size() != 1 || reply->inf[0] == 0)
          return fail(Errc::device, "T=1: malformed WTX request");
        ++m_wtx_seen;
        if (++wtx > k_max_wtx_per_exchange) {
          return fail(Errc::timeout,
                      fmt::format("T=1: card asked for more time {} times; giving up", wtx));
        }
        multiplier = reply->inf[0];
        current = T1Block{0, static_cast<std::uint8_t>(request | t1::k_response_bit), reply->inf};
        continue;
      }
      if (request == t1::k_ifs_request) {
        if (++s_requests > k_max_s_requests_per_block) {
          return fail(
              Errc::device,
              fmt::format("T=1: card sent {} IFS requests in a row; giving up", s_requests));
        }
        if (reply->inf.size() != 1 || reply->inf[0] < 1 || reply->inf[0] > 254) {
          return fail(Errc::device, "T=1: malformed IFS request");
        }
        m_ifsc = reply->inf[0];
        current = T1Block{0, static_cast<std::uint8_t>(request | t1::k_response_bit), reply->inf};
        continue;
      }
      if (request == t1::k_abort_request)
        return fail(Errc::cancelled, "T=1: card aborted the exchange");
      return fail(Errc::device, fmt::format("T=1: unexpected S-request {:02X}", request));
    }
    return std::move(*reply);
  }
}

int T1Protocol::exchange_limit() const {
  auto blocks = [](std::size_t bytes, std::size_t size) {
    return static_cast<int>((bytes + size - 1) / size);
  };
  return k_exchange_slack + 2 * blocks(m_bytes_sent, m_ifsc) + 2 * blocks(m_bytes_received, m_ifsd);
}

Expected<void> T1Protocol::negotiate_ifsd() {
  m_exchanges = 0;
  m_bytes_sent = 0;
  m_bytes_received = 0;
  auto reply = exchange_block(T1Block{0, t1::k_ifs_request, {m_ifsd}});
  if (!reply) return std::unexpected(reply.error());
  if (reply->pcb != (t1::k_ifs_request | t1::k_response_bit) || reply->inf != Bytes{m_ifsd}) {
    return fail(Errc::device,
                fmt::format("T=1: card answered IFS request with PCB {:02X}", reply->pcb));
  }
  return {};
}

Expected<Bytes> T1Protocol::transceive(ByteView apdu) {
  if (apdu.empty()) return fail(Errc::invalid_argument, "T=1: empty APDU");
  m_wtx_seen = 0;
  m_exchanges = 0;
  m_bytes_sent = 0;
  m_bytes_received = 0;
  // Send: chain the APDU in IFSC-sized I-blocks; the card acknowledges each with R(N(S)+1).
  std::size_t offset = 0;
  Expected<T1Block> reply = fail(Errc::internal, "T=1: nothing sent");
  while (true) {
    std::size_t length = std::min<std::size_t>(m_ifsc, apdu.size() - offset);
    bool more = offset + length < apdu.size();
    T1Block block{0, t1::i_pcb(m_send_sequence, more),
                  Bytes(apdu.begin() + static_cast<std::ptrdiff_t>(offset),
                        apdu.begin() + static_cast<std::ptrdiff_t>(offset + length))};
    int resends = 0;
    while (true) {
      reply = exchange_block(block);
      if (!reply) return std::unexpected(reply.error());
      // An R-block naming the block we just sent asks for it again.
      if (reply->is_receive_ready() && reply->receive_sequence() == m_send_sequence) {
        if (++resends > k_max_retries)
          return fail(Errc::device, "T=1: card keeps rejecting a block");
        continue;
      }
      break;
    }
    m_send_sequence ^= 1;
    m_bytes_sent += length;
    if (!more) break;
    if (!reply->is_receive_ready() || reply->receive_sequence() != m_send_sequence) {
      return fail(Errc::device,
                  fmt::format("T=1: chained block answered with PCB {:02X}", reply->pcb));
    }
    offset += length;
  }
  // Receive: I-blocks, acknowledging each chained one with R(N(S)+1).
  Bytes response;
  int errors = 0;
  int empty_chained = 0;
  while (true) {
    if (!reply->is_information()) {
      return fail(Errc::device,
                  fmt::format("T=1: expected an I-block, got PCB {:02X}", reply->pcb));
    }
    if (reply->send_sequence() != m_receive_sequence) {
      if (++errors > k_max_retries)
        return fail(Errc::device, "T=1: card's sequence numbers are out of step");
      reply = exchange_block(T1Block{0, t1::r_pcb(m_receive_sequence, 0x02), {}});
      if (!reply) return std::unexpected(reply.error());
      continue;
    }
    m_receive_sequence ^= 1;
    if (response.size() + reply->inf.size() > k_max_response) {
      secure_wipe(response);
      return fail(Errc::device, "T=1: response longer than 65538 bytes");
    }
    response.insert(response.end(), reply->inf.begin(), reply->inf.end());
    m_bytes_received = response.size();
    if (!reply->more()) return response;
    if (reply->inf.empty() && ++empty_chained > k_max_empty_chained_blocks) {
      secure_wipe(response);
      return fail(Errc::device,
                  fmt::format("T=1: card sent {} empty chained blocks", empty_chained));
    }
    reply = exchange_block(T1Block{0, t1::r_pcb(m_receive_sequence), {}});
    if (!reply) {
      secure_wipe(response);
      return std::unexpected(reply.error());
    }
  }
}

}  // namespace shubbak
