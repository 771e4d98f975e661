// The kiosk's headphone jack as Linux reports it: a switch (EV_SW, SW_HEADPHONE_INSERT) on one
// of the input devices under /dev/input, usually the sound card's "Headphone Jack" device. A
// citizen who plugs headphones in expects to hear the kiosk at once (EN 301 549 8.1.2, issue
// #19), so the session starts spoken guidance when the jack reports "inserted".
//
// Threading: one thread. read_changes() never blocks; the UI thread's loop calls it on a timer
// (HeadphoneWatch), so there is no thread of its own to stop.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak {

class HeadphoneJack {
 public:
  // Looks through the event* nodes of `input_dir` for the first device whose switches include
  // SW_HEADPHONE_INSERT, opens it non-blocking and reads the jack's state (EVIOCGSW).
  // Errc::not_found when no device has the switch (no jack, or a codec that does not report it).
  static Expected<std::unique_ptr<HeadphoneJack>> open(
      const std::filesystem::path& input_dir = "/dev/input");
  ~HeadphoneJack();
  HeadphoneJack(const HeadphoneJack&) = delete;
  HeadphoneJack& operator=(const HeadphoneJack&) = delete;

  // Whether headphones are in, as of the last read.
  bool inserted() const { return m_inserted; }
  const std::filesystem::path& device() const { return m_device; }

  // The events waiting on the device, read without blocking: the jack's changes in order (true:
  // plugged in). Other switches and events are skipped. An error means the device is gone
  // (unplugged USB sound card, driver reloaded): open() again to find it.
  Expected<std::vector<bool>> read_changes();

 private:
  HeadphoneJack(int fd, std::filesystem::path device, bool inserted)
      : m_fd(fd), m_device(std::move(device)), m_inserted(inserted) {}

  int m_fd;
  std::filesystem::path m_device;
  bool m_inserted;
};

}  // namespace shubbak
