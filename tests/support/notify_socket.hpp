// The service manager's end of the sd_notify protocol, for tests: a unix datagram socket bound
// in a test directory. Hand notify_env() to the program under test, then read what it sends
// (READY=1, STATUS=..., WATCHDOG=1, STOPPING=1), each with the time it arrived.
//
// A thread reads the socket all the time, as systemd does: a datagram socket nobody reads
// fills up after a few messages, and then sd_notify() blocks the sender.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace shubbak::testing {

class NotifySocket {
 public:
  struct Message {
    std::string text;  // one datagram: "KEY=VALUE" lines
    std::chrono::steady_clock::time_point received;
    bool has(std::string_view line) const;  // one of its lines is exactly `line`
  };

  explicit NotifySocket(std::filesystem::path path);  // throws if it cannot bind
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // "NOTIFY_SOCKET=<path>" for the child's environment.
  std::string notify_env() const { return "NOTIFY_SOCKET=" + m_path.string(); }

  // The next datagram not read yet, or nullopt after `limit`.
  std::optional<Message> receive(std::chrono::milliseconds limit);
  // Reads until a datagram with the line `line` arrives, for at most `limit`.
  std::optional<Message> wait_for(std::string_view line, std::chrono::milliseconds limit);

 private:
  void read_socket();

  std::filesystem::path m_path;
  int m_fd = -1;
  std::atomic<bool> m_stop = false;
  std::mutex m_mutex;
  std::condition_variable m_arrived;
  std::deque<Message> m_messages;
  std::thread m_reader;
};

}  // namespace shubbak::testing
