#include "tests/support/slow_clients.hpp"

namespace shubbak::testing {

SlowClientSwarm::SlowClientSwarm(SlowClientOptions options) : m_options(std::move(options)) {
  if (m_options.source_addresses.empty()) m_options.source_addresses.push_back("127.0.0.1");
  for (std::size_t i = 0; i < m_options.clients; ++i) m_threads.emplace_back([this, i] { run(i); });
}

SlowClientSwarm::~SlowClientSwarm() {
  stop();
}

void SlowClientSwarm::stop() {
  m_stop = true;
  for (auto& thread : m_threads) {
    if (thread.joinable()) thread.join();
  }
}

void SlowClientSwarm::run(std::size_t index) {
  RawTlsOptions tls = m_options.server;
  tls.source_address = m_options.source_addresses[index % m_options.source_addresses.size()];
  const auto step = m_options.step;
  const int kind = static_cast<int>(index % 4);
  while (!stopping()) {
    std::string error;
    auto client = RawTlsClient::connect(tls, error);
    if (!client) {
      std::this_thread::sleep_for(step);
      continue;
    }
    ++m_connected;
    ++m_holding;
    bool cut = false;
    bool first_step = true;
    auto server_closed = [&] {
      cut = client->closed_by_server(step);
      if (cut && first_step) ++m_refused;
      first_step = false;
      return cut;
    };
    if (kind == 0) {
      while (!stopping() && !server_closed()) {
      }
    } else if (kind == 1) {
      std::string hello = client->client_hello();
      for (std::size_t i = 0; !stopping() && i < hello.size(); ++i) {
        if (!client->send_raw(hello.substr(i, 1)) || server_closed()) {
          cut = true;
          break;
        }
      }
      // The whole hello went out a byte at a time: the handshake now waits on this client.
      while (!cut && !stopping() && !server_closed()) {
      }
    } else {
      if (!client->handshake(std::chrono::seconds(10), error)) {
        cut = true;
      } else if (kind == 2) {
        std::string head = "POST /api/v1/heartbeat HTTP/1.1\r\nHost: portal\r\n";
        for (std::size_t i = 0; !stopping(); ++i) {
          // Then a header line, over and over: the headers never end.
          constexpr std::string_view k_line = "X-Slow: 1\r\n";
          std::string byte = i < head.size()
                                 ? head.substr(i, 1)
                                 : std::string(1, k_line[(i - head.size()) % k_line.size()]);
          if (!client->send(byte, step) || server_closed()) {
            cut = true;
            break;
          }
        }
      } else {
        while (!stopping() && !server_closed()) {
        }
      }
    }
    --m_holding;
    if (cut) ++m_cut_off;
  }
}

}  // namespace shubbak::testing
