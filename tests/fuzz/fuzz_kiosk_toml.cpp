// Fuzz target: kiosk.toml as the kiosk reads it (kiosk/core/config.cpp on toml++), from a file
// a technician, an installer or a broken disk wrote. Invariants: no crash or sanitizer report
// (toml++ recursing on a deep dotted key was one); a refusal is Errc::config and names the file.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/core/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = shubbak::parse_config(text, "fuzz.toml", "/etc/shubbak");
  if (!config) {
    if (config.error().code != shubbak::Errc::config) std::abort();
    if (!config.error().message.starts_with("fuzz.toml")) std::abort();
  }
  return 0;
}
