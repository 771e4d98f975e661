#include "provisioning/shubbakctl/technician_pin.hpp"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/config.hpp"
#include "kiosk/crypto/pin_hash.hpp"
#include "provisioning/shubbakctl/config_file_edit.hpp"

namespace shubbak::provision {

namespace fs = std::filesystem;

namespace {

// A PIN in memory: wiped when it goes, so it does not linger in freed heap pages.
class SecretLine {
 public:
  // Room for any PIN up front, so reading one never reallocates and leaves a copy behind.
  SecretLine() { m_text.reserve(256); }
  ~SecretLine() { explicit_bzero(m_text.data(), m_text.size()); }
  SecretLine(const SecretLine&) = delete;
  SecretLine& operator=(const SecretLine&) = delete;
  std::string& text() { return m_text; }

 private:
  std::string m_text;
};

// The terminal's settings while echo is off, restored on every way out: normal return, and the
// signals a technician sends with the keyboard (Ctrl+C, Ctrl+\) or a closed session.
struct termios g_saved_terminal;
volatile sig_atomic_t g_echo_off = 0;

void restore_terminal_and_die(int signo) {
  if (g_echo_off) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_terminal);
  ::signal(signo, SIG_DFL);
  ::raise(signo);
}

class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &g_saved_terminal) != 0) return;
    struct sigaction action {};
    action.sa_handler = restore_terminal_and_die;
    for (int signo : {SIGINT, SIGQUIT, SIGTERM, SIGHUP}) ::sigaction(signo, &action, nullptr);
    struct termios quiet = g_saved_terminal;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // the Enter still shows, so the prompts stay on their own lines
    g_echo_off = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (g_echo_off) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_terminal);
    g_echo_off = 0;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
};

// One line from stdin without its line ending; false at end of input. The prompt only for a
// person at a terminal: from a pipe it would just run into the error messages.
bool read_pin(std::FILE* err, const char* prompt, SecretLine& pin) {
  if (::isatty(STDIN_FILENO)) {
    std::fputs(prompt, err);
    std::fflush(err);
  }
  if (!std::getline(std::cin, pin.text())) return false;
  if (pin.text().ends_with('\r')) pin.text().pop_back();
  return true;
}

int refuse(std::FILE* err, std::string_view why) {
  std::fprintf(err, "shubbakctl: %.*s; nothing was changed\n", static_cast<int>(why.size()),
               why.data());
  return k_pin_refused;
}

int file_error(std::FILE* err, const Error& error) {
  std::fprintf(err, "shubbakctl: %s\n", error.describe().c_str());
  return k_pin_file_error;
}

Expected<void> set_in_config(const fs::path& given, std::string_view encoded) {
  ConfigEditOptions options;
  options.verify = [&](const Config& config) -> Expected<void> {
    if (config.technician.pin_hash == encoded) return {};
    return fail(Errc::config, "[technician] pin_hash does not read back");
  };
  return edit_config_file(given, {{"technician", "pin_hash", fmt::format("\"{}\"", encoded)}},
                          options);
}

}  // namespace

int set_technician_pin(const SetPinOptions& options, std::FILE* out, std::FILE* err) {
  SecretLine pin, again;
  {
    std::optional<EchoOff> quiet;
    if (::isatty(STDIN_FILENO)) quiet.emplace();
    if (!read_pin(err, "New technician PIN (6 to 12 digits): ", pin))
      return refuse(err, "no PIN was given");
    if (auto format = check_pin_format(pin.text()); !format)
      return refuse(err, format.error().message);
    if (!read_pin(err, "The same PIN again: ", again))
      return refuse(err, "the PIN was not repeated");
  }
  if (pin.text() != again.text()) return refuse(err, "the two PINs differ");

  auto encoded = hash_pin(pin.text());
  if (!encoded) return file_error(err, encoded.error());
  if (!options.config_path) {
    std::fprintf(out, "pin_hash = \"%s\"\n", encoded->c_str());
    return k_pin_set;
  }
  if (auto done = set_in_config(*options.config_path, *encoded); !done)
    return file_error(err, done.error());
  std::fprintf(out,
               "Technician PIN set in %s; it takes effect when the kiosk restarts (systemctl "
               "restart shubbak).\n",
               options.config_path->c_str());
  return k_pin_set;
}

}  // namespace shubbak::provision
