// A swarm of slow clients against a TLS server, for the portal's tests and benchmark: each
// holds a connection as long as the server lets it, in one of four ways, and connects again
// when cut off, until stopped:
//   0  TCP only, silent (never starts TLS);
//   1  a ClientHello trickled one byte at a time;
//   2  a full handshake with a client certificate, then request headers one byte at a time that
//      never end;
//   3  a full handshake, then silence (an idle keep-alive connection).
// Loopback only; each client waits `step` between bytes, and every thread stops when asked.
//
// Threading: construct and stop() from one thread; the counters may be read from any.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/raw_tls_client.hpp"

namespace shubbak::testing {

struct SlowClientOptions {
  RawTlsOptions server;                       // port, CA and a client certificate (for 2 and 3)
  std::vector<std::string> source_addresses;  // spread over these, round robin
  std::size_t clients = 8;
  std::chrono::milliseconds step{200};  // between trickled bytes, and between checks
};

class SlowClientSwarm {
 public:
  explicit SlowClientSwarm(SlowClientOptions options);
  ~SlowClientSwarm();  // stop()
  SlowClientSwarm(const SlowClientSwarm&) = delete;
  SlowClientSwarm& operator=(const SlowClientSwarm&) = delete;

  void stop();

  std::size_t connected() const { return m_connected; }      // connections made, in all
  std::size_t holding() const { return m_holding; }          // open right now
  std::size_t cut_off() const { return m_cut_off; }          // closed by the server
  std::size_t refused_at_once() const { return m_refused; }  // closed within the first step

 private:
  void run(std::size_t index);
  bool stopping() const { return m_stop.load(); }

  SlowClientOptions m_options;
  std::atomic<bool> m_stop{false};
  std::atomic<std::size_t> m_connected{0};
  std::atomic<std::size_t> m_holding{0};
  std::atomic<std::size_t> m_cut_off{0};
  std::atomic<std::size_t> m_refused{0};
  std::vector<std::thread> m_threads;
};

}  // namespace shubbak::testing
