#include "kiosk/core/error.hpp"

#include <cstring>

#include <fmt/format.h>

namespace shubbak {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
      return "invalid argument";
    case Errc::not_found:
      return "not found";
    case Errc::io:
      return "i/o";
    case Errc::parse:
      return "parse";
    case Errc::config:
      return "config";
    case Errc::unsupported:
      return "unsupported";
    case Errc::device:
      return "device";
    case Errc::timeout:
      return "timeout";
    case Errc::cancelled:
      return "cancelled";
    case Errc::integrity:
      return "integrity";
    case Errc::internal:
      return "internal";
  }
  return "unknown";
}

std::string Error::describe() const {
  return fmt::format("{}: {}", to_string(code), message);
}

std::unexpected<Error> fail_errno(Errc code, std::string_view what, int errno_value) {
  return fail(code,
              fmt::format("{}: {} (errno {})", what, std::strerror(errno_value), errno_value));
}

}  // namespace shubbak
