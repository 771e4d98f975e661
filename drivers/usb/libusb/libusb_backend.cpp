// The libusb backend of UsbContext and UsbDevice: the only file that includes libusb.h.
#include <libusb.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "drivers/usb/usb_context.hpp"
#include "kiosk/loop/event_loop.hpp"

namespace shubbak {

namespace {

// libusb's codes folded into Errc once, here.
std::unexpected<Error> fail_usb(int code, std::string_view what) {
  Errc errc = Errc::device;
  std::string_view reason = libusb_strerror(code);
  switch (code) {
    case LIBUSB_ERROR_TIMEOUT:
      errc = Errc::timeout;
      break;
    case LIBUSB_ERROR_NO_DEVICE:
      errc = Errc::not_found;
      reason = "device disconnected";
      break;
    case LIBUSB_ERROR_NOT_FOUND:
      errc = Errc::not_found;
      break;
    case LIBUSB_ERROR_PIPE:
      reason = "endpoint stalled";
      break;
    case LIBUSB_ERROR_ACCESS:
      errc = Errc::io;
      reason = "permission denied (is the udev rule installed?)";
      break;
    case LIBUSB_ERROR_BUSY:
      errc = Errc::io;
      reason = "interface busy (claimed by another program)";
      break;
    case LIBUSB_ERROR_INTERRUPTED:
      errc = Errc::cancelled;
      break;
    case LIBUSB_ERROR_NOT_SUPPORTED:
      errc = Errc::unsupported;
      break;
    case LIBUSB_ERROR_IO:
      errc = Errc::io;
      break;
    default:
      break;
  }
  return fail(errc, fmt::format("{}: {}", what, reason));
}

struct DeviceListDeleter {
  void operator()(libusb_device** list) const { libusb_free_device_list(list, 1); }
};
struct ConfigDeleter {
  void operator()(libusb_config_descriptor* config) const { libusb_free_config_descriptor(config); }
};

// The device descriptor alone: who the device says it is, and where it sits. Nothing here
// points into memory a device's descriptors shaped.
Expected<UsbDeviceInfo> identify_device(libusb_device* device) {
  libusb_device_descriptor descriptor{};
  int rc = libusb_get_device_descriptor(device, &descriptor);
  if (rc < 0) return fail_usb(rc, "read device descriptor");
  UsbDeviceInfo info;
  info.vendor_id = descriptor.idVendor;
  info.product_id = descriptor.idProduct;
  info.bus = libusb_get_bus_number(device);
  info.address = libusb_get_device_address(device);
  return info;
}

// libusb's parsed configuration is a tree of counts and pointers that a lying descriptor can
// set apart: a class descriptor claiming a length past the configuration's end leaves an
// interface with bNumEndpoints endpoints and a null endpoint array. Every count is therefore
// read with its pointer, and a count without its array makes the device unreadable; a device
// so described is refused whole, never half-described.
Expected<void> describe_interfaces(const libusb_config_descriptor& config, UsbDeviceInfo& info,
                                   bool classes_only) {
  auto lie = [&](std::string what) {
    return fail(Errc::parse, fmt::format("{}: {}", info.describe(), what));
  };
  if (config.bNumInterfaces > 0 && config.interface == nullptr)
    return lie(
        fmt::format("configuration names {} interfaces but has none", config.bNumInterfaces));
  for (int i = 0; i < config.bNumInterfaces; ++i) {
    const libusb_interface& interface = config.interface[i];
    if (interface.num_altsetting < 1) continue;
    if (interface.altsetting == nullptr)
      return lie(
          fmt::format("interface {} names {} settings but has none", i, interface.num_altsetting));
    const libusb_interface_descriptor& alt = interface.altsetting[0];
    UsbInterfaceInfo out;
    out.number = alt.bInterfaceNumber;
    out.class_code = alt.bInterfaceClass;
    out.subclass = alt.bInterfaceSubClass;
    out.protocol = alt.bInterfaceProtocol;
    if (!classes_only) {
      if (alt.extra_length < 0 || (alt.extra_length > 0 && alt.extra == nullptr))
        return lie(
            fmt::format("interface {} has {} extra bytes but none to read", i, alt.extra_length));
      if (alt.extra_length > 0) out.extra.assign(alt.extra, alt.extra + alt.extra_length);
      if (alt.bNumEndpoints > 0 && alt.endpoint == nullptr)
        return lie(
            fmt::format("interface {} names {} endpoints but has none", i, alt.bNumEndpoints));
      for (int e = 0; e < alt.bNumEndpoints; ++e) {
        const libusb_endpoint_descriptor& ep = alt.endpoint[e];
        out.endpoints.push_back(
            UsbEndpointInfo{ep.bEndpointAddress, ep.bmAttributes, ep.wMaxPacketSize});
      }
    }
    info.interfaces.push_back(std::move(out));
  }
  return {};
}

// The allow-list first: by VID:PID from the device descriptor alone; a class entry is judged
// on the interface classes only. A device the list refuses is read no further. `allowed` is
// false (and the result empty) for such a device.
Expected<UsbDeviceInfo> describe_device(libusb_device* device, const UsbAllowList& allow_list,
                                        bool& allowed) {
  allowed = false;
  auto identified = identify_device(device);
  if (!identified) return identified;
  UsbDeviceInfo info = std::move(*identified);
  bool by_id = allow_list.allows_id(info.vendor_id, info.product_id);
  if (!by_id && !allow_list.has_classes()) return info;
  libusb_config_descriptor* raw = nullptr;
  int rc = libusb_get_active_config_descriptor(device, &raw);
  if (rc < 0) rc = libusb_get_config_descriptor(device, 0, &raw);
  if (rc < 0) return fail_usb(rc, fmt::format("read configuration of {}", info.describe()));
  if (raw == nullptr)
    return fail(Errc::parse, fmt::format("{}: no configuration", info.describe()));
  std::unique_ptr<libusb_config_descriptor, ConfigDeleter> config(raw);
  if (!by_id) {
    UsbDeviceInfo classes = info;
    if (auto read = describe_interfaces(*config, classes, true); !read)
      return std::unexpected(read.error());
    if (!allow_list.allows(classes)) return info;
  }
  if (auto read = describe_interfaces(*config, info, false); !read)
    return std::unexpected(read.error());
  allowed = true;
  return info;
}

class LibusbDevice final : public UsbDevice {
 public:
  LibusbDevice(libusb_device_handle* handle, UsbDeviceInfo info, Log log)
      : m_handle(handle), m_info(std::move(info)), m_log(std::move(log)) {}
  ~LibusbDevice() override {
    for (auto number : m_claimed) libusb_release_interface(m_handle, number);
    libusb_close(m_handle);
  }
  LibusbDevice(const LibusbDevice&) = delete;
  LibusbDevice& operator=(const LibusbDevice&) = delete;

  const UsbDeviceInfo& info() const override { return m_info; }

  Expected<void> claim_interface(std::uint8_t number) override {
    int active = libusb_kernel_driver_active(m_handle, number);
    if (active == 1) {
      int rc = libusb_detach_kernel_driver(m_handle, number);
      if (rc < 0)
        return fail_usb(rc, fmt::format("detach kernel driver from {} interface {}",
                                        m_info.describe(), number));
      m_log.info("detached the kernel driver from {} interface {}", m_info.describe(), number);
    }
    int rc = libusb_claim_interface(m_handle, number);
    if (rc < 0)
      return fail_usb(rc, fmt::format("claim {} interface {}", m_info.describe(), number));
    m_claimed.push_back(number);
    return {};
  }

  Expected<std::size_t> bulk_write(std::uint8_t endpoint, std::span<const std::uint8_t> data,
                                   Timeout timeout) override {
    int done = 0;
    // libusb's API takes a non-const buffer even for OUT transfers; it does not write to it.
    int rc = libusb_bulk_transfer(m_handle, endpoint, const_cast<std::uint8_t*>(data.data()),
                                  static_cast<int>(data.size()), &done, timeout_ms(timeout));
    if (rc < 0) return fail_usb(rc, fmt::format("bulk write to endpoint {:02x}", endpoint));
    return static_cast<std::size_t>(done);
  }

  Expected<std::size_t> bulk_read(std::uint8_t endpoint, std::span<std::uint8_t> into,
                                  Timeout timeout) override {
    int done = 0;
    int rc = libusb_bulk_transfer(m_handle, endpoint, into.data(), static_cast<int>(into.size()),
                                  &done, timeout_ms(timeout));
    if (rc < 0) return fail_usb(rc, fmt::format("bulk read from endpoint {:02x}", endpoint));
    return static_cast<std::size_t>(done);
  }

  Expected<std::size_t> interrupt_read(std::uint8_t endpoint, std::span<std::uint8_t> into,
                                       Timeout timeout) override {
    int done = 0;
    int rc = libusb_interrupt_transfer(m_handle, endpoint, into.data(),
                                       static_cast<int>(into.size()), &done, timeout_ms(timeout));
    if (rc < 0) return fail_usb(rc, fmt::format("interrupt read from endpoint {:02x}", endpoint));
    return static_cast<std::size_t>(done);
  }

  Expected<std::size_t> control_transfer(const UsbControlSetup& setup, std::span<std::uint8_t> data,
                                         Timeout timeout) override {
    int rc = libusb_control_transfer(m_handle, setup.request_type, setup.request, setup.value,
                                     setup.index, data.data(),
                                     static_cast<std::uint16_t>(data.size()), timeout_ms(timeout));
    if (rc < 0)
      return fail_usb(
          rc, fmt::format("control request {:02x}/{:02x}", setup.request_type, setup.request));
    return static_cast<std::size_t>(rc);
  }

  Expected<void> clear_halt(std::uint8_t endpoint) override {
    int rc = libusb_clear_halt(m_handle, endpoint);
    if (rc < 0) return fail_usb(rc, fmt::format("clear halt on endpoint {:02x}", endpoint));
    return {};
  }

 private:
  static unsigned timeout_ms(Timeout timeout) {
    return static_cast<unsigned>(std::max<std::int64_t>(1, timeout.count()));
  }

  libusb_device_handle* m_handle;
  UsbDeviceInfo m_info;
  Log m_log;
  std::vector<std::uint8_t> m_claimed;
};

class LibusbContext final : public UsbContext {
 public:
  LibusbContext(libusb_context* context, Log log, UsbAllowList allow_list)
      : m_context(context), m_log(std::move(log)), m_allow_list(std::move(allow_list)) {
    m_events = std::thread([this] { service_events(); });
  }

  ~LibusbContext() override {
    stop_hotplug();
    m_stop = 1;
    libusb_interrupt_event_handler(m_context);
    m_events.join();
    libusb_exit(m_context);
  }
  LibusbContext(const LibusbContext&) = delete;
  LibusbContext& operator=(const LibusbContext&) = delete;

  Expected<std::vector<UsbDeviceInfo>> list_devices() override {
    libusb_device** raw = nullptr;
    ssize_t count = libusb_get_device_list(m_context, &raw);
    if (count < 0) return fail_usb(static_cast<int>(count), "list USB devices");
    std::unique_ptr<libusb_device*, DeviceListDeleter> list(raw);
    std::vector<UsbDeviceInfo> devices;
    for (ssize_t i = 0; i < count; ++i) {
      bool allowed = false;
      auto info = describe_device(list.get()[i], m_allow_list, allowed);
      if (!info) {
        warn_once(list.get()[i], fmt::format("skipping a device: {}", info.error().describe()));
        continue;
      }
      if (allowed) devices.push_back(std::move(*info));
    }
    return devices;
  }

  Expected<std::unique_ptr<UsbDevice>> open_device(const UsbDeviceInfo& wanted) override {
    if (!m_allow_list.allows(wanted)) {
      return fail(Errc::invalid_argument, fmt::format("{} is not in usb.allow", wanted.describe()));
    }
    libusb_device** raw = nullptr;
    ssize_t count = libusb_get_device_list(m_context, &raw);
    if (count < 0) return fail_usb(static_cast<int>(count), "list USB devices");
    std::unique_ptr<libusb_device*, DeviceListDeleter> list(raw);
    for (ssize_t i = 0; i < count; ++i) {
      libusb_device* device = list.get()[i];
      if (libusb_get_bus_number(device) != wanted.bus ||
          libusb_get_device_address(device) != wanted.address)
        continue;
      bool allowed = false;
      auto info = describe_device(device, m_allow_list, allowed);
      if (!info) return std::unexpected(info.error());
      if (!allowed)
        return fail(Errc::invalid_argument,
                    fmt::format("{} is not in usb.allow", info->describe()));
      libusb_device_handle* handle = nullptr;
      int rc = libusb_open(device, &handle);
      if (rc < 0) return fail_usb(rc, fmt::format("open {}", wanted.describe()));
      return std::make_unique<LibusbDevice>(handle, std::move(*info), m_log.child("device"));
    }
    return fail(Errc::not_found, fmt::format("{} is not connected", wanted.describe()));
  }

  Expected<void> watch_hotplug(EventLoop& loop, HotplugListener listener) override {
    if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
      return fail(Errc::unsupported, "this libusb has no hot-plug support");
    }
    stop_hotplug();
    {
      std::lock_guard lock(m_hotplug_mutex);
      m_loop = &loop;
      m_listener = std::move(listener);
    }
    int rc = libusb_hotplug_register_callback(
        m_context,
        static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                          LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
        LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
        LIBUSB_HOTPLUG_MATCH_ANY, &LibusbContext::on_hotplug, this, &m_hotplug_handle);
    if (rc < 0) return fail_usb(rc, "register for USB hot-plug");
    m_hotplug_registered = true;
    return {};
  }

 private:
  void stop_hotplug() override {
    if (m_hotplug_registered) libusb_hotplug_deregister_callback(m_context, m_hotplug_handle);
    m_hotplug_registered = false;
    std::lock_guard lock(m_hotplug_mutex);
    m_loop = nullptr;
    std::lock_guard known(m_known_mutex);
    m_known.clear();
  }

  // Runs on the event thread (or inside register, for present devices): describe and post.
  static int LIBUSB_CALL on_hotplug(libusb_context*, libusb_device* device,
                                    libusb_hotplug_event event, void* self_pointer) {
    auto* self = static_cast<LibusbContext*>(self_pointer);
    UsbHotplugEvent out{event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED
                            ? UsbHotplugEvent::Kind::arrived
                            : UsbHotplugEvent::Kind::left,
                        {}};
    if (out.kind == UsbHotplugEvent::Kind::arrived) {
      bool allowed = false;
      auto info = describe_device(device, self->m_allow_list, allowed);
      if (!info) {
        self->warn_once(device,
                        fmt::format("hot-plugged device unreadable: {}", info.error().describe()));
        return 0;
      }
      // Refused devices are not remembered: their leaving is nobody's business either.
      if (!allowed) return 0;
      out.device = std::move(*info);
      std::lock_guard lock(self->m_known_mutex);
      self->m_known.push_back(out.device);
    } else {
      // The descriptors of a device that left may be gone: use what it said when it came.
      std::uint8_t bus = libusb_get_bus_number(device);
      std::uint8_t address = libusb_get_device_address(device);
      std::lock_guard lock(self->m_known_mutex);
      auto it = std::find_if(
          self->m_known.begin(), self->m_known.end(),
          [&](const UsbDeviceInfo& d) { return d.bus == bus && d.address == address; });
      if (it == self->m_known.end()) return 0;
      out.device = std::move(*it);
      self->m_known.erase(it);
    }
    if (!self->m_allow_list.allows(out.device)) return 0;
    std::lock_guard lock(self->m_hotplug_mutex);
    if (self->m_loop == nullptr) return 0;
    self->m_log.info("{} {}", out.device.describe(),
                     out.kind == UsbHotplugEvent::Kind::arrived ? "arrived" : "left");
    self->m_loop->post([listener = self->m_listener, out = std::move(out)] { listener(out); });
    return 0;
  }

  // A device that cannot be described is warned about once, not at every listing or poll. Keyed
  // by where it sits and what it claims to be; the set is bounded so a flapping hub cannot
  // grow it without end.
  void warn_once(libusb_device* device, const std::string& message) {
    libusb_device_descriptor descriptor{};
    (void)libusb_get_device_descriptor(device, &descriptor);
    std::uint64_t key = (std::uint64_t{libusb_get_bus_number(device)} << 40) |
                        (std::uint64_t{libusb_get_device_address(device)} << 32) |
                        (std::uint64_t{descriptor.idVendor} << 16) | descriptor.idProduct;
    {
      std::lock_guard lock(m_warned_mutex);
      if (std::find(m_warned.begin(), m_warned.end(), key) != m_warned.end()) return;
      if (m_warned.size() >= 256) m_warned.clear();
      m_warned.push_back(key);
    }
    m_log.warn("{}", message);
  }

  void service_events() {
    while (!m_stop) {
      timeval tv{0, 100000};
      int rc = libusb_handle_events_timeout_completed(m_context, &tv, &m_stop);
      if (rc < 0 && rc != LIBUSB_ERROR_INTERRUPTED) {
        m_log.error("libusb event handling failed: {}", libusb_strerror(rc));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  libusb_context* m_context;
  Log m_log;
  UsbAllowList m_allow_list;
  int m_stop = 0;  // libusb reads it as the "completed" flag
  std::thread m_events;
  std::mutex m_hotplug_mutex;
  EventLoop* m_loop = nullptr;
  HotplugListener m_listener;
  libusb_hotplug_callback_handle m_hotplug_handle = 0;
  bool m_hotplug_registered = false;
  std::mutex m_known_mutex;
  std::vector<UsbDeviceInfo> m_known;
  std::mutex m_warned_mutex;
  std::vector<std::uint64_t> m_warned;
};

}  // namespace

Expected<std::unique_ptr<UsbContext>> UsbContext::open(Log log, UsbAllowList allow_list) {
  libusb_context* context = nullptr;
  int rc = libusb_init(&context);
  if (rc < 0) return fail_usb(rc, "start libusb");
  return std::make_unique<LibusbContext>(context, std::move(log), std::move(allow_list));
}

}  // namespace shubbak
