// How the kiosk's previous run ended, for the fleet's heartbeat: a marker file in the data
// directory says "running" while the kiosk runs and "stopped" once it stopped cleanly. Found
// "running" at the next start, the previous run ended without stopping: a crash, a kill, or the
// power going.
//
// Threading: start() and stop() from the thread that runs the kiosk's start and stop.
#pragma once

#include <filesystem>
#include <string>

#include "kiosk/core/error.hpp"

namespace shubbak {

// The heartbeat's words for it.
inline constexpr std::string_view k_restart_first_start = "first start";
inline constexpr std::string_view k_restart_clean_stop = "clean stop";
inline constexpr std::string_view k_restart_unclean_stop = "unclean stop";

class RunMarker {
 public:
  explicit RunMarker(std::filesystem::path data_dir) : m_path(std::move(data_dir) / "run-state") {}

  // Reads how the previous run ended, then marks this run as running (durably). The cause is
  // returned even when the marker cannot be written (a full disk): the error is the caller's
  // to log.
  std::string start(Error* write_error = nullptr);
  // Marks a clean stop.
  Expected<void> stop();

 private:
  std::filesystem::path m_path;
};

}  // namespace shubbak
