// An evdev input device that the real code opens under /dev/input, emulated by umockdev: a sysfs
// entry, a /dev/input/eventN node and a handler answering the evdev ioctls (EVIOCGBIT for the
// event types and switches, EVIOCGSW for the switches' state) and read() with queued
// `struct input_event` records (EAGAIN when none wait, as a non-blocking evdev node does).
//
// The test binary must run under umockdev's preload (`umockdev-wrapper`, as CTest does); without
// it the constructor throws, so the test fails rather than passing silently.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace shubbak::testing {

class EmulatedInputDevice;

// The one umockdev testbed of the process (a second would hide the first's devices), holding the
// emulated input devices.
class InputTestbed {
 public:
  InputTestbed();
  ~InputTestbed();
  InputTestbed(const InputTestbed&) = delete;
  InputTestbed& operator=(const InputTestbed&) = delete;

  // /dev/input/event<number>, reporting the switches in `switches` (SW_* codes; none: a device
  // without EV_SW, such as a keyboard) in the state `on`.
  EmulatedInputDevice& add(int number, std::set<int> switches, std::set<int> on = {});

 private:
  void* m_testbed = nullptr;  // UMockdevTestbed*
  std::vector<std::unique_ptr<EmulatedInputDevice>> m_devices;
};

class EmulatedInputDevice {
 public:
  EmulatedInputDevice(void* testbed, int number, std::set<int> switches, std::set<int> on);
  ~EmulatedInputDevice();
  EmulatedInputDevice(const EmulatedInputDevice&) = delete;
  EmulatedInputDevice& operator=(const EmulatedInputDevice&) = delete;

  std::string dev_node() const;
  // The switch `code` changes to `on`: an EV_SW event and a SYN_REPORT wait to be read, as the
  // kernel queues them.
  void set_switch(int code, bool on);
  // How many read() calls reached the device (the driver reads without blocking).
  int reads() const;

  // Called on umockdev's handler thread.
  bool handle_ioctl(void* client);
  bool handle_read(void* client);

 private:
  struct Event {
    unsigned short type;
    unsigned short code;
    int value;
  };
  int m_number;
  std::set<int> m_switches;
  mutable std::mutex m_mutex;
  std::set<int> m_on;
  std::deque<Event> m_queue;
  int m_reads = 0;
  void* m_testbed = nullptr;  // UMockdevTestbed*
  void* m_handler = nullptr;  // UMockdevIoctlBase*
};

}  // namespace shubbak::testing
