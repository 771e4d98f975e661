#include "drivers/audio/headphone_jack.hpp"

#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>

namespace shubbak {

namespace {

// Room for every switch the kernel knows, as EVIOCGBIT and EVIOCGSW fill it.
using SwitchBits = std::array<unsigned char, SW_MAX / 8 + 1>;

bool has_bit(const SwitchBits& bits, unsigned bit) {
  return (bits[bit / 8] >> (bit % 8)) & 1u;
}

// The device's switches, or nothing when it is not an evdev device with switches.
std::optional<SwitchBits> switches_of(int fd) {
  SwitchBits bits{};
  if (::ioctl(fd, EVIOCGBIT(EV_SW, bits.size()), bits.data()) < 0) return std::nullopt;
  return bits;
}

}  // namespace

Expected<std::unique_ptr<HeadphoneJack>> HeadphoneJack::open(
    const std::filesystem::path& input_dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> nodes;
  for (const auto& entry : std::filesystem::directory_iterator(input_dir, ec)) {
    if (entry.path().filename().string().starts_with("event")) nodes.push_back(entry.path());
  }
  if (ec) return fail_errno(Errc::not_found, input_dir.string(), ec.value());
  // In a stable order: the same device every time, whatever order the directory lists them in.
  std::sort(nodes.begin(), nodes.end());
  for (const auto& node : nodes) {
    int fd = ::open(node.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;  // not ours to read (permissions), or gone since the listing
    auto bits = switches_of(fd);
    SwitchBits state{};
    if (bits && has_bit(*bits, SW_HEADPHONE_INSERT) &&
        ::ioctl(fd, EVIOCGSW(state.size()), state.data()) >= 0) {
      return std::unique_ptr<HeadphoneJack>(
          new HeadphoneJack(fd, node, has_bit(state, SW_HEADPHONE_INSERT)));
    }
    ::close(fd);
  }
  return fail(Errc::not_found,
              "no input device under " + input_dir.string() + " reports a headphone jack");
}

HeadphoneJack::~HeadphoneJack() {
  ::close(m_fd);
}

Expected<std::vector<bool>> HeadphoneJack::read_changes() {
  std::vector<bool> changes;
  std::array<input_event, 16> events{};
  // Bounded: a device that never runs dry is read again on the next call.
  for (int batch = 0; batch < 16; ++batch) {
    ssize_t n = ::read(m_fd, events.data(), sizeof events);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      return fail_errno(Errc::io, m_device.string(), errno);
    }
    if (n == 0) return fail(Errc::io, m_device.string() + ": the device went away");
    const auto count = static_cast<std::size_t>(n) / sizeof(input_event);
    for (std::size_t i = 0; i < count; ++i) {
      const input_event& event = events[i];
      if (event.type != EV_SW || event.code != SW_HEADPHONE_INSERT) continue;
      bool in = event.value != 0;
      if (in == m_inserted) continue;  // a repeat of the state it is in
      m_inserted = in;
      changes.push_back(in);
    }
    if (count < events.size()) break;
  }
  return changes;
}

}  // namespace shubbak
