// Where the receipt printer is, as `printer.uri` says it. Parsed once, the same way for the
// config check (which refuses a bad URI with file:line:key) and for the printer factory.
//   sim://receipts                  the simulated printer: PNG files in DATA_DIR/receipts
//   none                            no printer
//   ipp://HOST[:PORT]/PATH          an IPP printer, straight (ipps:// for TLS)
//   cups://QUEUE                    a queue of the local cupsd, at /run/cups/cups.sock
//   cups://QUEUE@/PATH/TO/cups.sock a queue of the cupsd listening on that socket
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

inline constexpr std::string_view k_default_cups_socket = "/run/cups/cups.sock";

struct PrinterAddress {
  enum class Kind { simulated, none, ipp, cups_queue };
  Kind kind = Kind::none;
  std::string ipp_uri;      // ipp: the URI as given (ipp:// or ipps://)
  std::string queue;        // cups_queue: the queue's name
  std::string cups_socket;  // cups_queue: the cupsd's local socket
};

// Refuses anything else with a message naming the accepted forms.
Expected<PrinterAddress> parse_printer_uri(std::string_view uri);

}  // namespace shubbak
