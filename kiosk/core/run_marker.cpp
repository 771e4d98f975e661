#include "kiosk/core/run_marker.hpp"

#include <fstream>

#include "kiosk/core/atomic_file.hpp"

namespace shubbak {

std::string RunMarker::start(Error* write_error) {
  std::string previous;
  {
    std::ifstream in(m_path);
    std::getline(in, previous);
  }
  std::string cause(previous.empty()        ? k_restart_first_start
                    : previous == "stopped" ? k_restart_clean_stop
                                            : k_restart_unclean_stop);
  if (auto ok = write_file_atomically(m_path, "running\n"); !ok && write_error)
    *write_error = ok.error();
  return cause;
}

Expected<void> RunMarker::stop() {
  return write_file_atomically(m_path, "stopped\n");
}

}  // namespace shubbak
