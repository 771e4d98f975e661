// The kiosk's configuration: /etc/shubbak/kiosk.toml, or the file given with --config.
// Every key is documented in provisioning/etc/kiosk.toml with its default. Unknown keys and bad
// values are refused with the file, line and key, so a typo never silently falls back.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/display_mode.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/core/font_files.hpp"
#include "kiosk/core/language.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/core/printer_options.hpp"

namespace shubbak {

inline constexpr std::string_view k_default_config_path = "/etc/shubbak/kiosk.toml";

enum class JournalMode { automatic, on, off };

struct Config {
  struct Kiosk {
    std::string id = "demo-kiosk";
    Language language = Language::ar;  // the language the attract screen starts in
    // The languages offered, in the picker's order; `language` must be one of them.
    std::vector<Language> languages = {Language::ar, Language::en};
    std::filesystem::path data_dir = ".shubbak";
    std::filesystem::path assets_dir;  // empty: the build's default assets directory
  } kiosk;

  struct Display {
    DisplayMode mode = DisplayMode::automatic;
    int width = 1920;  // logical size when headless or windowed
    int height = 1080;
    int rotation = 0;  // degrees clockwise the panel is mounted: 0, 90, 180 or 270
    int dpi = 96;      // physical pixel density, for touch targets of a real size
    RendererChoice renderer = RendererChoice::software;
  } display;

  using Text = FontFiles;
  Text text;

  struct Locale {
    // Each language's own digits where ICU gives it some (Arabic ٠١٢٣, Farsi ۰۱۲۳, Bengali ০১২৩)
    // rather than 0123 everywhere.
    bool native_digits = false;
  } locale;

  struct Ui {
    std::string theme = "default";  // "default", "high-contrast" or "large-text"
    bool speech_toggle = true;      // ui.speech: "toggle" offers spoken guidance, "off" does not
    bool controls_lower = false;    // ui.controls: "lower" puts step controls in the lower half
  } ui;

  // The citizen's path between sessions (kiosk/session/kiosk_shell.hpp).
  struct Shell {
    int attract_cycle_seconds = 6;  // the attract screen shows the next available service
    int menu_idle_seconds = 60;     // an untouched service menu returns to the attract screen
    int device_poll_seconds = 20;   // how often the printer is asked for its state
  } shell;

  // USB devices the kiosk may open: "VVVV:PPPP" or "class:XX" (hex). Card readers by class;
  // scanners by VID:PID, so a keyboard plugged into the kiosk is never read as a scanner.
  struct Usb {
    std::vector<std::string> allow = {"class:0b"};
  } usb;

  struct Card {
    std::string reader =
        "sim://demo";  // "sim://demo", "ccid://" (first allowed) or "ccid://VVVV:PPPP"
    std::string profile = "demo-national-id";  // assets/card-profiles/<profile>.json
    int command_timeout_ms = 3000;             // one CCID command, before time extensions
  } card;

  struct Scanner {
    std::string reader = "none";  // "none" or "hid://VVVV:PPPP" (must also be in usb.allow)
    std::string layout = "us";    // "us" or "ar": the keyboard layout the scanner is set up for
    int end_of_scan_ms = 80;      // a scan without Enter ends after this pause between keys
  } scanner;
  // Signed service updates (TUF). Off until metadata_url is set; a USB repository is checked
  // whenever a technician brings one, with the same trusted root.
  struct Updates {
    std::string metadata_url;  // e.g. "https://portal.example/tuf/metadata"; empty: off
    std::string targets_url;   // e.g. "https://portal.example/tuf/targets"
    std::filesystem::path trusted_root = "/etc/shubbak/root.json";  // installed at first start
    std::filesystem::path ca_file;                                  // empty: the system's CA bundle
    std::filesystem::path
        client_cert;  // the kiosk's enrolled certificate (mutual TLS); empty: none
    std::filesystem::path client_key;
    int interval_minutes = 60;
    int jitter_percent = 20;
  } updates;

  // Where the kiosk uploads its transactions and heartbeats (mutual TLS). No url: no upload;
  // transactions wait in the outbox.
  struct Portal {
    std::string url;                    // "https://portal.example.gov:8443"; empty: offline
    std::filesystem::path ca_file;      // CA bundle the portal's certificate must chain to
    std::filesystem::path client_cert;  // this kiosk's enrolled certificate (PEM)
    std::filesystem::path client_key;   // its private key (PEM, 0600)
    int heartbeat_seconds = 60;
  } portal;

  struct Store {
    int retention_days = 90;  // acknowledged transactions are purged after this many days
    int min_free_mb = 64;     // below this much free space, new transactions are refused
  } store;

  struct Payment {
    std::string terminal = "sim://demo";  // "sim://demo" (the simulated terminal) or "none"
  } payment;

  using Printer = PrinterOptions;
  Printer printer;

  struct Logging {
    LogLevel level = LogLevel::info;
    JournalMode journal = JournalMode::automatic;
  } log;

  // Technician mode on the kiosk (hidden gesture + PIN). No pin_hash: the mode is disabled.
  struct Technician {
    std::string pin_hash;  // "scrypt$ln=15$r=8$p=1$<salt>$<hash>" from `shubbakctl kiosk set-pin`
    int max_failures = 5;  // wrong PINs in a row before the lockout
    int lockout_minutes = 30;  // how long the lockout lasts (survives a restart)
    int idle_seconds = 900;    // a technician session ends after this long untouched
    std::filesystem::path export_dir = "/media/shubbak-usb";  // where the USB stick is mounted
  } technician;
};

// Limits on what parse_config reads: the documented file is about 10 KiB, and a dotted key
// deeper than a section and a key is never a setting (see refuse_deep_keys in config.cpp).
inline constexpr std::size_t k_max_config_bytes = 1024 * 1024;
inline constexpr int k_max_dots_per_line = 16;

// Parses TOML text; `source_name` names it in errors. Relative paths resolve against `base_dir`.
// Invalid UTF-8, control characters such as NUL, a key given twice and values nested deeper
// than 256 are refused by toml++ with the line and column.
Expected<Config> parse_config(std::string_view text, std::string_view source_name,
                              const std::filesystem::path& base_dir);

// Reads and parses a file; relative paths in it resolve against the file's directory. A
// missing file is Errc::not_found; an empty path, a directory or anything else that is not a
// regular file, a file that cannot be read or is over k_max_config_bytes is Errc::config, each
// with the file and the reason.
Expected<Config> load_config(const std::filesystem::path& path);

}  // namespace shubbak
