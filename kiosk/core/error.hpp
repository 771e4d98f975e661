// Errors and Expected<T>: the one way failures cross a module boundary in Shubbak.
// Low-level codes (errno, SQLite, libusb, CUPS) are mapped into an Errc once, at the edge that
// owns them; the message says precisely what went wrong for the logs.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace shubbak {

enum class Errc {
  invalid_argument,  // the caller passed something that can never work
  not_found,         // a file, key, device or record that is not there
  io,                // the operating system refused a read or write
  parse,             // bytes that do not follow their format
  config,            // a configuration value that is refused
  unsupported,       // valid, but not something this build or device can do
  device,            // a device failed or lied
  timeout,
  cancelled,
  integrity,  // a signature, hash or chain does not verify
  internal,   // a bug: an invariant does not hold
};

std::string_view to_string(Errc code);

struct Error {
  Errc code;
  std::string message;

  // "config: kiosk.toml:3: ..." — the form every log line and CLI uses.
  std::string describe() const;
};

template <class T>
using Expected = std::expected<T, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

// An errno value as "what: strerror (errno N)".
std::unexpected<Error> fail_errno(Errc code, std::string_view what, int errno_value);

}  // namespace shubbak
