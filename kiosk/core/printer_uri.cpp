#include "kiosk/core/printer_uri.hpp"

#include <fmt/format.h>

namespace shubbak {

namespace {

constexpr std::string_view k_accepted =
    "expected \"sim://receipts\", \"none\", \"ipp://HOST[:PORT]/PATH\", "
    "\"ipps://HOST[:PORT]/PATH\", "
    "\"cups://QUEUE\" or \"cups://QUEUE@/PATH/TO/cups.sock\"";

bool is_name_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '-' || ch == '_' || ch == '.';
}

bool is_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char ch : port) {
    if (ch < '0' || ch > '9') return false;
    value = value * 10 + (ch - '0');
  }
  return value >= 1 && value <= 65535;
}

// HOST[:PORT]/PATH with a host of name characters (or a bracketed IPv6 literal) and a path
// without spaces or control characters: the parts libcups later separates cleanly.
bool is_ipp_rest(std::string_view rest) {
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  std::string_view authority = rest.substr(0, slash);
  std::string_view host = authority;
  std::string_view after_host;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
    for (char ch : host) {
      if (!(is_name_char(ch) || ch == ':')) return false;
    }
  } else {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    after_host = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
    if (host.empty()) return false;
    for (char ch : host) {
      if (!is_name_char(ch)) return false;
    }
  }
  if (!after_host.empty() && !(after_host.starts_with(':') && is_port(after_host.substr(1))))
    return false;
  for (char ch : rest.substr(slash)) {
    if (ch <= ' ' || ch == 0x7f) return false;
  }
  return true;
}

}  // namespace

Expected<PrinterAddress> parse_printer_uri(std::string_view uri) {
  if (uri == "sim://receipts") return PrinterAddress{PrinterAddress::Kind::simulated, {}, {}, {}};
  if (uri == "none") return PrinterAddress{PrinterAddress::Kind::none, {}, {}, {}};
  for (std::string_view scheme : {"ipp://", "ipps://"}) {
    if (uri.starts_with(scheme)) {
      if (!is_ipp_rest(uri.substr(scheme.size()))) {
        return fail(Errc::config,
                    fmt::format("\"{}\" is not a valid printer URI: {}", uri, k_accepted));
      }
      return PrinterAddress{PrinterAddress::Kind::ipp, std::string(uri), {}, {}};
    }
  }
  if (uri.starts_with("cups://")) {
    std::string_view rest = uri.substr(7);
    auto at = rest.find('@');
    std::string_view queue = rest.substr(0, at);
    std::string_view socket =
        at == std::string_view::npos ? k_default_cups_socket : rest.substr(at + 1);
    bool queue_ok = !queue.empty() && queue.size() <= 127;
    for (char ch : queue) queue_ok = queue_ok && is_name_char(ch);
    bool socket_ok = socket.starts_with('/') && socket.size() < 108;  // sun_path's limit
    for (char ch : socket) socket_ok = socket_ok && ch > ' ' && ch != 0x7f;
    if (!queue_ok || !socket_ok) {
      return fail(Errc::config,
                  fmt::format("\"{}\" is not a valid printer URI: {}", uri, k_accepted));
    }
    return PrinterAddress{
        PrinterAddress::Kind::cups_queue, {}, std::string(queue), std::string(socket)};
  }
  return fail(Errc::config, fmt::format("\"{}\" is not a printer URI: {}", uri, k_accepted));
}

}  // namespace shubbak
