#include "tests/support/evdev/emulated_input_device.hpp"

#include <linux/input.h>
#include <sys/ioctl.h>
#include <umockdev.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace shubbak::testing {

namespace {

gboolean on_handle_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
  return static_cast<EmulatedInputDevice*>(self)->handle_ioctl(client) ? TRUE : FALSE;
}

gboolean on_handle_read(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
  return static_cast<EmulatedInputDevice*>(self)->handle_read(client) ? TRUE : FALSE;
}

// An evdev request without its size field: EVIOCGBIT and EVIOCGSW carry the caller's buffer size.
unsigned long without_size(unsigned long request) {
  return request & ~(static_cast<unsigned long>(_IOC_SIZEMASK) << _IOC_SIZESHIFT);
}

// Answers a "get bits" ioctl with `bits` set in the caller's buffer, as the kernel does (the
// result is the number of bytes written).
void answer_bits(UMockdevIoctlClient* client, const std::set<int>& bits) {
  const auto size = static_cast<std::size_t>(_IOC_SIZE(umockdev_ioctl_client_get_request(client)));
  UMockdevIoctlData* data =
      umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, size, nullptr);
  std::memset(data->data, 0, size);
  for (int bit : bits) {
    if (static_cast<std::size_t>(bit / 8) < size)
      data->data[bit / 8] = static_cast<guint8>(data->data[bit / 8] | (1u << (bit % 8)));
  }
  g_object_unref(data);
  umockdev_ioctl_client_complete(client, static_cast<glong>(size), 0);
}

}  // namespace

InputTestbed::InputTestbed() {
  auto* testbed = umockdev_testbed_new();
  // Asked only once the testbed exists: before, umockdev caches "not mocked".
  if (!umockdev_in_mock_environment()) {
    g_object_unref(testbed);
    throw std::runtime_error(
        "not running under umockdev's preload: run this test with umockdev-wrapper (ctest does)");
  }
  m_testbed = testbed;
}

InputTestbed::~InputTestbed() {
  m_devices.clear();
  g_object_unref(static_cast<UMockdevTestbed*>(m_testbed));
}

EmulatedInputDevice& InputTestbed::add(int number, std::set<int> switches, std::set<int> on) {
  std::string record = fmt::format(
      "P: /devices/platform/sound/input/input{0}/event{0}\n"
      "N: input/event{0}\n"
      "E: SUBSYSTEM=input\n"
      "E: DEVNAME=/dev/input/event{0}\n"
      "A: dev=13:{1}\\n\n",
      number, 64 + number);
  GError* error = nullptr;
  if (!umockdev_testbed_add_from_string(static_cast<UMockdevTestbed*>(m_testbed), record.c_str(),
                                        &error)) {
    std::string message = error ? error->message : "unknown";
    g_clear_error(&error);
    throw std::runtime_error("umockdev: cannot add input device: " + message);
  }
  m_devices.push_back(
      std::make_unique<EmulatedInputDevice>(m_testbed, number, std::move(switches), std::move(on)));
  return *m_devices.back();
}

EmulatedInputDevice::EmulatedInputDevice(void* testbed, int number, std::set<int> switches,
                                         std::set<int> on)
    : m_number(number), m_switches(std::move(switches)), m_on(std::move(on)), m_testbed(testbed) {
  auto* handler = umockdev_ioctl_base_new();
  g_signal_connect_data(handler, "handle-ioctl", reinterpret_cast<GCallback>(&on_handle_ioctl),
                        this, nullptr, G_CONNECT_AFTER);
  g_signal_connect_data(handler, "handle-read", reinterpret_cast<GCallback>(&on_handle_read), this,
                        nullptr, G_CONNECT_AFTER);
  m_handler = handler;
  GError* error = nullptr;
  if (!umockdev_testbed_attach_ioctl(static_cast<UMockdevTestbed*>(m_testbed), dev_node().c_str(),
                                     handler, &error)) {
    std::string message = error ? error->message : "unknown";
    g_clear_error(&error);
    throw std::runtime_error("umockdev: cannot attach the evdev handler: " + message);
  }
}

EmulatedInputDevice::~EmulatedInputDevice() {
  umockdev_testbed_detach_ioctl(static_cast<UMockdevTestbed*>(m_testbed), dev_node().c_str(),
                                nullptr);
  g_object_unref(static_cast<UMockdevIoctlBase*>(m_handler));
}

std::string EmulatedInputDevice::dev_node() const {
  return fmt::format("/dev/input/event{}", m_number);
}

void EmulatedInputDevice::set_switch(int code, bool on) {
  std::lock_guard lock(m_mutex);
  if (on) {
    m_on.insert(code);
  } else {
    m_on.erase(code);
  }
  m_queue.push_back({EV_SW, static_cast<unsigned short>(code), on ? 1 : 0});
  m_queue.push_back({EV_SYN, SYN_REPORT, 0});
}

int EmulatedInputDevice::reads() const {
  std::lock_guard lock(m_mutex);
  return m_reads;
}

bool EmulatedInputDevice::handle_ioctl(void* raw_client) {
  auto* client = static_cast<UMockdevIoctlClient*>(raw_client);
  const unsigned long request = without_size(umockdev_ioctl_client_get_request(client));
  std::lock_guard lock(m_mutex);
  if (request == without_size(EVIOCGBIT(0, 0))) {
    std::set<int> types{EV_SYN};
    if (!m_switches.empty()) types.insert(EV_SW);
    answer_bits(client, types);
  } else if (request == without_size(EVIOCGBIT(EV_SW, 0))) {
    answer_bits(client, m_switches);
  } else if (request == without_size(EVIOCGSW(0))) {
    answer_bits(client, m_on);
  } else {
    umockdev_ioctl_client_complete(client, -1, ENOTTY);
  }
  return true;
}

bool EmulatedInputDevice::handle_read(void* raw_client) {
  auto* client = static_cast<UMockdevIoctlClient*>(raw_client);
  UMockdevIoctlData* buffer = umockdev_ioctl_client_get_arg(client);
  std::lock_guard lock(m_mutex);
  ++m_reads;
  // Whole events only, as many as fit, as evdev hands them out.
  std::size_t fit = static_cast<std::size_t>(buffer->data_len) / sizeof(input_event);
  std::size_t written = 0;
  while (written < fit && !m_queue.empty()) {
    input_event event{};
    event.type = m_queue.front().type;
    event.code = m_queue.front().code;
    event.value = m_queue.front().value;
    std::memcpy(buffer->data + written * sizeof event, &event, sizeof event);
    m_queue.pop_front();
    ++written;
  }
  if (written == 0) {
    umockdev_ioctl_client_complete(client, -1, EAGAIN);
  } else {
    umockdev_ioctl_client_complete(client, static_cast<glong>(written * sizeof(input_event)), 0);
  }
  return true;
}

}  // namespace shubbak::testing
