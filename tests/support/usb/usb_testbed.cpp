#include "tests/support/usb/usb_testbed.hpp"
#include "kiosk/core/hex.hpp"

#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <umockdev.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace shubbak::testing {

struct EmulatedUsbDevice::Urb {
  UMockdevIoctlData* data = nullptr;    // the client's struct usbdevfs_urb, resolved
  UMockdevIoctlData* buffer = nullptr;  // an IN transfer's buffer, resolved at submit
  std::uint8_t type = 0;
  std::uint8_t endpoint = 0;
  int status = 0;
  int actual_length = 0;
  ~Urb() {
    if (buffer) g_object_unref(buffer);
    if (data) g_object_unref(data);
  }
  usbdevfs_urb* urb() const { return reinterpret_cast<usbdevfs_urb*>(data->data); }
};

namespace {

gboolean on_handle_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
  return static_cast<EmulatedUsbDevice*>(self)->handle_ioctl(client) ? TRUE : FALSE;
}

void complete(UMockdevIoctlClient* client, long result, int error) {
  umockdev_ioctl_client_complete(client, result, error);
}

}  // namespace

EmulatedUsbDevice::EmulatedUsbDevice(UsbTestbed& testbed, int address,
                                     std::shared_ptr<EmulatedBehaviour> behaviour)
    : m_testbed(testbed), m_address(address), m_behaviour(std::move(behaviour)) {
  m_sysfs_path = fmt::format("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-{}", address);
  auto* handler = umockdev_ioctl_base_new();
  g_signal_connect_data(handler, "handle-ioctl", reinterpret_cast<GCallback>(&on_handle_ioctl),
                        this, nullptr, G_CONNECT_AFTER);
  m_handler = handler;
  GError* error = nullptr;
  auto* tb = static_cast<UMockdevTestbed*>(testbed.native());
  if (!umockdev_testbed_attach_ioctl(tb, dev_node().c_str(), handler, &error)) {
    std::string message = error ? error->message : "unknown";
    g_clear_error(&error);
    throw std::runtime_error("umockdev: cannot attach ioctl handler: " + message);
  }
}

EmulatedUsbDevice::~EmulatedUsbDevice() {
  auto* tb = static_cast<UMockdevTestbed*>(m_testbed.native());
  umockdev_testbed_detach_ioctl(tb, dev_node().c_str(), nullptr);
  {
    std::lock_guard lock(m_mutex);
    m_pending_in.clear();
    m_completed.clear();
  }
  g_object_unref(static_cast<UMockdevIoctlBase*>(m_handler));
}

std::string EmulatedUsbDevice::dev_node() const {
  return fmt::format("/dev/bus/usb/001/{:03}", m_address);
}

void EmulatedUsbDevice::unplug() {
  m_unplugged = true;
}

bool EmulatedUsbDevice::unplugged() const {
  return m_unplugged;
}

int EmulatedUsbDevice::urbs_submitted() const {
  std::lock_guard lock(m_mutex);
  return m_submitted;
}

void EmulatedUsbDevice::complete_ready_urbs() {
  for (auto it = m_pending_in.begin(); it != m_pending_in.end();) {
    auto& urb = *it;
    auto answer =
        m_behaviour->in(urb->endpoint, static_cast<std::size_t>(urb->urb()->buffer_length));
    if (answer.state == EmulatedBehaviour::InAnswer::State::pending) {
      ++it;
      continue;
    }
    if (answer.state == EmulatedBehaviour::InAnswer::State::stall) {
      urb->status = -EPIPE;
      urb->actual_length = 0;
    } else {
      std::size_t n =
          std::min(answer.data.size(), static_cast<std::size_t>(urb->urb()->buffer_length));
      // Into the resolved copy, which umockdev writes back to the client when the URB is
      // reaped: the client may be another process (a kiosk the test started).
      if (n > 0 && urb->buffer) std::memcpy(urb->buffer->data, answer.data.data(), n);
      urb->status = 0;
      urb->actual_length = static_cast<int>(n);
    }
    m_completed.push_back(urb);
    it = m_pending_in.erase(it);
  }
}

bool EmulatedUsbDevice::handle_ioctl(void* raw_client) {
  auto* client = static_cast<UMockdevIoctlClient*>(raw_client);
  unsigned long request = umockdev_ioctl_client_get_request(client);
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  std::lock_guard lock(m_mutex);
  bool reap = request == USBDEVFS_REAPURB || request == USBDEVFS_REAPURBNDELAY;
  if (m_unplugged) {
    // As the kernel does on disconnect: URBs in flight end with -ESHUTDOWN and can still be
    // reaped (USBDEVFS_CAP_REAP_AFTER_DISCONNECT); everything else fails with ENODEV.
    for (auto& urb : m_pending_in) {
      urb->status = -ESHUTDOWN;
      urb->actual_length = 0;
      m_completed.push_back(urb);
    }
    m_pending_in.clear();
    if (!reap || m_completed.empty()) {
      complete(client, -1, ENODEV);
      return true;
    }
  }
  switch (request) {
    case USBDEVFS_GET_CAPABILITIES: {
      UMockdevIoctlData* d = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), nullptr);
      guint32 caps = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                     USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
      std::memcpy(d->data, &caps, sizeof caps);
      g_object_unref(d);
      complete(client, 0, 0);
      return true;
    }
    case USBDEVFS_CLEAR_HALT: {
      UMockdevIoctlData* d = umockdev_ioctl_data_resolve(arg, 0, sizeof(unsigned int), nullptr);
      unsigned int endpoint = 0;
      std::memcpy(&endpoint, d->data, sizeof endpoint);
      g_object_unref(d);
      m_behaviour->halt_cleared(static_cast<std::uint8_t>(endpoint));
      complete(client, 0, 0);
      return true;
    }
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_RELEASEINTERFACE:
    case USBDEVFS_RESET:
    case USBDEVFS_RESETEP:
    case USBDEVFS_SETINTERFACE:
    case USBDEVFS_SETCONFIGURATION:
      complete(client, 0, 0);
      return true;
    case USBDEVFS_GETDRIVER: {
      UMockdevIoctlData* d =
          umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_getdriver), nullptr);
      auto* get = reinterpret_cast<usbdevfs_getdriver*>(d->data);
      std::string driver = m_behaviour->kernel_driver(static_cast<std::uint8_t>(get->interface));
      if (driver.empty()) {
        g_object_unref(d);
        complete(client, -1, ENODATA);
        return true;
      }
      std::snprintf(get->driver, sizeof get->driver, "%s", driver.c_str());
      g_object_unref(d);
      complete(client, 0, 0);
      return true;
    }
    case USBDEVFS_IOCTL: {
      UMockdevIoctlData* d = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_ioctl), nullptr);
      auto* call = reinterpret_cast<usbdevfs_ioctl*>(d->data);
      int code = call->ioctl_code;
      int interface = call->ifno;
      g_object_unref(d);
      if (code == static_cast<int>(USBDEVFS_DISCONNECT)) {
        m_behaviour->driver_detached(static_cast<std::uint8_t>(interface));
        complete(client, 0, 0);
      } else {
        complete(client, -1, ENOTTY);
      }
      return true;
    }
    case USBDEVFS_SUBMITURB: {
      auto urb = std::make_shared<Urb>();
      urb->data = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_urb), nullptr);
      urb->type = urb->urb()->type;
      urb->endpoint = urb->urb()->endpoint;
      ++m_submitted;
      if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
        auto length = static_cast<std::size_t>(urb->urb()->buffer_length);
        UMockdevIoctlData* buffer = umockdev_ioctl_data_resolve(
            urb->data, offsetof(usbdevfs_urb, buffer), static_cast<gsize>(length), nullptr);
        ByteView whole(buffer->data, static_cast<std::size_t>(buffer->data_len));
        bool in = length >= 8 && (whole[0] & 0x80) != 0;
        auto answer =
            length < 8 ? EmulatedBehaviour::InAnswer{EmulatedBehaviour::InAnswer::State::stall, {}}
                       : m_behaviour->control(whole.first(8), in ? ByteView{} : whole.subspan(8));
        g_object_unref(buffer);
        if (answer.state != EmulatedBehaviour::InAnswer::State::data) {
          urb->status = -EPIPE;
          urb->actual_length = 0;
        } else {
          std::size_t n = in ? std::min(answer.data.size(), length - 8) : length - 8;
          // The data stage follows the setup packet in the client's buffer.
          if (in)
            std::memcpy(static_cast<std::uint8_t*>(urb->urb()->buffer) + 8, answer.data.data(), n);
          urb->status = 0;
          urb->actual_length = static_cast<int>(n);
        }
        m_completed.push_back(urb);
      } else if (urb->endpoint & 0x80) {
        urb->buffer =
            umockdev_ioctl_data_resolve(urb->data, offsetof(usbdevfs_urb, buffer),
                                        static_cast<gsize>(urb->urb()->buffer_length), nullptr);
        m_pending_in.push_back(urb);
      } else {
        UMockdevIoctlData* buffer =
            umockdev_ioctl_data_resolve(urb->data, offsetof(usbdevfs_urb, buffer),
                                        static_cast<gsize>(urb->urb()->buffer_length), nullptr);
        auto outcome = m_behaviour->out(
            urb->endpoint, ByteView(buffer->data, static_cast<std::size_t>(buffer->data_len)));
        g_object_unref(buffer);
        urb->status = outcome == EmulatedBehaviour::Outcome::stall ? -EPIPE : 0;
        urb->actual_length =
            outcome == EmulatedBehaviour::Outcome::stall ? 0 : urb->urb()->buffer_length;
        m_completed.push_back(urb);
      }
      complete(client, 0, 0);
      return true;
    }
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY: {
      if (!m_unplugged) complete_ready_urbs();
      if (m_completed.empty()) {
        complete(client, -1, EAGAIN);
        return true;
      }
      auto urb = m_completed.front();
      m_completed.pop_front();
      urb->urb()->status = urb->status;
      urb->urb()->actual_length = urb->actual_length;
      UMockdevIoctlData* pointer = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), nullptr);
      umockdev_ioctl_data_set_ptr(pointer, 0, urb->data);
      g_object_unref(pointer);
      complete(client, 0, 0);
      return true;
    }
    case USBDEVFS_DISCARDURB: {
      auto address = reinterpret_cast<gulong>(*reinterpret_cast<void**>(arg->data));
      for (auto it = m_pending_in.begin(); it != m_pending_in.end(); ++it) {
        if ((*it)->data->client_addr == address) {
          (*it)->status = -ENOENT;
          (*it)->actual_length = 0;
          m_completed.push_back(*it);
          m_pending_in.erase(it);
          complete(client, 0, 0);
          return true;
        }
      }
      complete(client, -1, EINVAL);
      return true;
    }
    default:
      return false;
  }
}

UsbTestbed::UsbTestbed() {
  auto* tb = umockdev_testbed_new();
  m_testbed = tb;
  if (!umockdev_in_mock_environment()) {
    g_object_unref(tb);
    m_testbed = nullptr;
    throw std::runtime_error(
        "not running under umockdev's preload: run this test with umockdev-wrapper (ctest does)");
  }
}

UsbTestbed::~UsbTestbed() {
  m_devices.clear();
  if (m_testbed) g_object_unref(static_cast<UMockdevTestbed*>(m_testbed));
}

EmulatedUsbDevice& UsbTestbed::plug(int address, const Bytes& descriptors,
                                    std::shared_ptr<EmulatedBehaviour> behaviour) {
  auto device = std::make_unique<EmulatedUsbDevice>(*this, address, std::move(behaviour));
  std::string record = fmt::format(
      "P: {}\n"
      "N: bus/usb/001/{:03}\n"
      "E: SUBSYSTEM=usb\n"
      "E: DEVTYPE=usb_device\n"
      "E: DRIVER=usb\n"
      "E: BUSNUM=001\n"
      "E: DEVNUM={:03}\n"
      "E: DEVNAME=/dev/bus/usb/001/{:03}\n"
      "A: busnum=1\\n\n"
      "A: devnum={}\\n\n"
      "A: bConfigurationValue=1\\n\n"
      "A: speed=12\\n\n"
      "H: descriptors={}\n",
      device->sysfs_path().substr(4), address, address, address, address,
      to_hex_upper(descriptors));
  GError* error = nullptr;
  if (!umockdev_testbed_add_from_string(static_cast<UMockdevTestbed*>(m_testbed), record.c_str(),
                                        &error)) {
    std::string message = error ? error->message : "unknown";
    g_clear_error(&error);
    throw std::runtime_error("umockdev: cannot add device: " + message);
  }
  m_devices.push_back(std::move(device));
  return *m_devices.back();
}

void UsbTestbed::unplug(EmulatedUsbDevice& device) {
  device.unplug();
  auto* tb = static_cast<UMockdevTestbed*>(m_testbed);
  umockdev_testbed_uevent(tb, device.sysfs_path().c_str(), "remove");
  umockdev_testbed_remove_device(tb, device.sysfs_path().c_str());
}

void UsbTestbed::forget(EmulatedUsbDevice& device) {
  if (!device.unplugged()) unplug(device);
  std::erase_if(m_devices, [&](const auto& owned) { return owned.get() == &device; });
}

Bytes usb_descriptors(std::uint16_t vendor_id, std::uint16_t product_id,
                      const std::vector<InterfaceSpec>& interfaces) {
  Bytes device{18,
               0x01,
               0x00,
               0x02,
               0x00,
               0x00,
               0x00,
               64,
               static_cast<std::uint8_t>(vendor_id & 0xFF),
               static_cast<std::uint8_t>(vendor_id >> 8),
               static_cast<std::uint8_t>(product_id & 0xFF),
               static_cast<std::uint8_t>(product_id >> 8),
               0x00,
               0x01,
               0x00,
               0x00,
               0x00,
               0x01};
  Bytes body;
  std::uint8_t number = 0;
  for (const auto& interface : interfaces) {
    Bytes d{9,
            0x04,
            number++,
            0x00,
            static_cast<std::uint8_t>(interface.endpoints.size()),
            interface.class_code,
            interface.subclass,
            interface.protocol,
            0x00};
    body.insert(body.end(), d.begin(), d.end());
    body.insert(body.end(), interface.class_descriptor.begin(), interface.class_descriptor.end());
    for (const auto& ep : interface.endpoints) {
      Bytes e{7,
              0x05,
              ep.address,
              ep.attributes,
              static_cast<std::uint8_t>(ep.max_packet & 0xFF),
              static_cast<std::uint8_t>(ep.max_packet >> 8),
              static_cast<std::uint8_t>(ep.attributes == 3 ? 10 : 0)};
      body.insert(body.end(), e.begin(), e.end());
    }
  }
  std::size_t total = 9 + body.size();
  Bytes config{9,
               0x02,
               static_cast<std::uint8_t>(total & 0xFF),
               static_cast<std::uint8_t>(total >> 8),
               static_cast<std::uint8_t>(interfaces.size()),
               0x01,
               0x00,
               0x80,
               50};
  Bytes out = device;
  out.insert(out.end(), config.begin(), config.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace shubbak::testing
