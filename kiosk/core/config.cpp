#include "kiosk/core/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <functional>
#include <optional>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/core/printer_uri.hpp"

namespace shubbak {

namespace {

namespace fs = std::filesystem;

// What a setting needs to apply one TOML value; returns a reason when it refuses the value.
struct SettingContext {
  const toml::node& value;
  Config& config;
  const fs::path& base_dir;
};
using Apply = std::function<std::optional<std::string>(const SettingContext&)>;

struct Setting {
  std::string_view key;  // "section.name"
  Apply apply;
};

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date or time";
  }
}

Apply integer_in(std::int64_t low, std::int64_t high, std::function<int&(Config&)> field) {
  return [=](const SettingContext& c) -> std::optional<std::string> {
    auto value = c.value.value_exact<std::int64_t>();
    if (!value) return fmt::format("expected an integer, got {}", type_name(c.value));
    if (*value < low || *value > high) {
      return fmt::format("{} is out of range {}..{}", *value, low, high);
    }
    field(c.config) = static_cast<int>(*value);
    return std::nullopt;
  };
}

template <class T>
Apply one_of(std::vector<std::pair<std::string_view, T>> choices,
             std::function<T&(Config&)> field) {
  return [=](const SettingContext& c) -> std::optional<std::string> {
    std::vector<std::string_view> names;
    for (auto& [name, _] : choices) names.push_back(name);
    auto text = c.value.value_exact<std::string>();
    if (!text) {
      return fmt::format("expected one of \"{}\", got {}", fmt::join(names, "\", \""),
                         type_name(c.value));
    }
    for (auto& [name, choice] : choices) {
      if (*text == name) {
        field(c.config) = choice;
        return std::nullopt;
      }
    }
    return fmt::format("\"{}\" is not one of \"{}\"", *text, fmt::join(names, "\", \""));
  };
}

Apply path(std::function<fs::path&(Config&)> field) {
  return [=](const SettingContext& c) -> std::optional<std::string> {
    auto value = c.value.value_exact<std::string>();
    if (!value) return fmt::format("expected a path string, got {}", type_name(c.value));
    if (value->empty()) return "must not be empty";
    fs::path p(*value);
    field(c.config) = p.is_absolute() ? p : c.base_dir / p;
    return std::nullopt;
  };
}

Apply kiosk_id() {
  return [](const SettingContext& c) -> std::optional<std::string> {
    auto value = c.value.value_exact<std::string>();
    if (!value) return fmt::format("expected a string, got {}", type_name(c.value));
    if (!is_valid_kiosk_id(*value)) return "must be " + std::string(k_kiosk_id_rule);
    c.config.kiosk.id = *value;
    return std::nullopt;
  };
}

bool is_hex(std::string_view text, std::size_t digits) {
  if (text.size() != digits) return false;
  for (char ch : text) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
      return false;
  }
  return true;
}

// "VVVV:PPPP" after `prefix`.
bool is_vid_pid(std::string_view text) {
  return text.size() == 9 && text[4] == ':' && is_hex(text.substr(0, 4), 4) &&
         is_hex(text.substr(5), 4);
}

Apply usb_allow_list() {
  return [](const SettingContext& c) -> std::optional<std::string> {
    const toml::array* array = c.value.as_array();
    if (array == nullptr)
      return fmt::format("expected an array of strings, got {}", type_name(c.value));
    std::vector<std::string> entries;
    for (const auto& element : *array) {
      auto text = element.value_exact<std::string>();
      if (!text) return fmt::format("expected strings, got {}", type_name(element));
      bool ok = is_vid_pid(*text) ||
                (text->starts_with("class:") && is_hex(std::string_view(*text).substr(6), 2));
      if (!ok) return fmt::format("\"{}\" is neither VVVV:PPPP nor class:XX (hex)", *text);
      entries.push_back(*text);
    }
    c.config.usb.allow = std::move(entries);
    return std::nullopt;
  };
}

Apply device_uri(std::vector<std::string_view> fixed, std::string_view vid_pid_scheme,
                 std::string_view hint, std::function<std::string&(Config&)> field) {
  return [=](const SettingContext& c) -> std::optional<std::string> {
    auto text = c.value.value_exact<std::string>();
    if (!text) return fmt::format("expected a string, got {}", type_name(c.value));
    std::string_view uri = *text;
    bool ok = std::find(fixed.begin(), fixed.end(), uri) != fixed.end() ||
              (uri.starts_with(vid_pid_scheme) && is_vid_pid(uri.substr(vid_pid_scheme.size())));
    if (!ok) return fmt::format("\"{}\" is not {}", uri, hint);
    field(c.config) = *text;
    return std::nullopt;
  };
}

Apply url(std::function<std::string&(Config&)> field) {
  return [=](const SettingContext& c) -> std::optional<std::string> {
    auto value = c.value.value_exact<std::string>();
    if (!value) return fmt::format("expected a URL string, got {}", type_name(c.value));
    if (!value->empty() && !value->starts_with("https://") && !value->starts_with("http://") &&
        !value->starts_with("file://")) {
      return "must start with https://, http:// or file://";
    }
    field(c.config) = *value;
    return std::nullopt;
  };
}

std::string language_codes() {
  std::vector<std::string_view> codes;
  for (const auto& l : k_language_info) codes.push_back(l.code);
  return fmt::format("\"{}\"", fmt::join(codes, "\", \""));
}

// The languages the kiosk offers, in the order the picker shows them: known codes, each once.
Apply offered_languages() {
  return [](const SettingContext& c) -> std::optional<std::string> {
    const toml::array* array = c.value.as_array();
    if (array == nullptr || array->empty())
      return fmt::format("expected a non-empty array of language codes, got {}",
                         type_name(c.value));
    std::vector<Language> languages;
    for (const auto& element : *array) {
      auto code = element.value_exact<std::string>();
      auto language = code ? parse_language(*code) : std::nullopt;
      if (!language) return fmt::format("each language is one of {}", language_codes());
      if (std::find(languages.begin(), languages.end(), *language) != languages.end())
        return fmt::format("\"{}\" is listed twice", *code);
      languages.push_back(*language);
    }
    c.config.kiosk.languages = std::move(languages);
    return std::nullopt;
  };
}

Apply portal_url() {
  return [](const SettingContext& c) -> std::optional<std::string> {
    auto value = c.value.value_exact<std::string>();
    if (!value) return fmt::format("expected a string, got {}", type_name(c.value));
    if (!value->empty() && (!value->starts_with("https://") || value->size() <= 8)) {
      return "must be an https:// URL (or empty for no upload)";
    }
    c.config.portal.url = *value;
    return std::nullopt;
  };
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
      {"kiosk.id", kiosk_id()},
      {"kiosk.language",
       [](const SettingContext& c) -> std::optional<std::string> {
         auto code = c.value.value_exact<std::string>();
         auto language = code ? parse_language(*code) : std::nullopt;
         if (!language && code)
           return fmt::format("\"{}\" is not one of {}", *code, language_codes());
         if (!language) return fmt::format("expected one of {}", language_codes());
         c.config.kiosk.language = *language;
         return std::nullopt;
       }},
      {"kiosk.languages", offered_languages()},
      {"kiosk.data_dir", path([](Config& c) -> fs::path& { return c.kiosk.data_dir; })},
      {"kiosk.assets_dir", path([](Config& c) -> fs::path& { return c.kiosk.assets_dir; })},
      {"display.mode",
       one_of<DisplayMode>({{"auto", DisplayMode::automatic},
                            {"fullscreen", DisplayMode::fullscreen},
                            {"window", DisplayMode::window},
                            {"headless", DisplayMode::headless}},
                           [](Config& c) -> DisplayMode& { return c.display.mode; })},
      {"display.width", integer_in(240, 7680, [](Config& c) -> int& { return c.display.width; })},
      {"display.height", integer_in(240, 7680, [](Config& c) -> int& { return c.display.height; })},
      {"display.rotation",
       [](const SettingContext& c) -> std::optional<std::string> {
         auto value = c.value.value_exact<std::int64_t>();
         if (!value || (*value != 0 && *value != 90 && *value != 180 && *value != 270)) {
           return "expected one of 0, 90, 180, 270 (degrees clockwise)";
         }
         c.config.display.rotation = static_cast<int>(*value);
         return std::nullopt;
       }},
      {"display.dpi", integer_in(50, 600, [](Config& c) -> int& { return c.display.dpi; })},
      {"display.renderer",
       one_of<RendererChoice>(
           {{"software", RendererChoice::software}, {"accelerated", RendererChoice::accelerated}},
           [](Config& c) -> RendererChoice& { return c.display.renderer; })},
      {"text.arabic_font", path([](Config& c) -> fs::path& { return c.text.arabic_font; })},
      {"text.arabic_bold_font",
       path([](Config& c) -> fs::path& { return c.text.arabic_bold_font; })},
      {"text.latin_font", path([](Config& c) -> fs::path& { return c.text.latin_font; })},
      {"text.latin_bold_font", path([](Config& c) -> fs::path& { return c.text.latin_bold_font; })},
      {"text.symbol_font", path([](Config& c) -> fs::path& { return c.text.symbol_font; })},
      {"text.urdu_font", path([](Config& c) -> fs::path& { return c.text.urdu_font; })},
      {"text.urdu_bold_font", path([](Config& c) -> fs::path& { return c.text.urdu_bold_font; })},
      {"text.devanagari_font", path([](Config& c) -> fs::path& { return c.text.devanagari_font; })},
      {"text.devanagari_bold_font",
       path([](Config& c) -> fs::path& { return c.text.devanagari_bold_font; })},
      {"text.bengali_font", path([](Config& c) -> fs::path& { return c.text.bengali_font; })},
      {"text.bengali_bold_font",
       path([](Config& c) -> fs::path& { return c.text.bengali_bold_font; })},
      {"text.malayalam_font", path([](Config& c) -> fs::path& { return c.text.malayalam_font; })},
      {"text.malayalam_bold_font",
       path([](Config& c) -> fs::path& { return c.text.malayalam_bold_font; })},
      {"text.tamil_font", path([](Config& c) -> fs::path& { return c.text.tamil_font; })},
      {"text.tamil_bold_font", path([](Config& c) -> fs::path& { return c.text.tamil_bold_font; })},
      {"locale.digits", one_of<bool>({{"western", false}, {"native", true}, {"arabic-indic", true}},
                                     [](Config& c) -> bool& { return c.locale.native_digits; })},
      {"ui.theme", one_of<std::string>({{"default", "default"},
                                        {"high-contrast", "high-contrast"},
                                        {"large-text", "large-text"}},
                                       [](Config& c) -> std::string& { return c.ui.theme; })},
      {"shell.attract_cycle_seconds",
       integer_in(2, 600, [](Config& c) -> int& { return c.shell.attract_cycle_seconds; })},
      {"shell.menu_idle_seconds",
       integer_in(10, 3600, [](Config& c) -> int& { return c.shell.menu_idle_seconds; })},
      {"shell.device_poll_seconds",
       integer_in(1, 3600, [](Config& c) -> int& { return c.shell.device_poll_seconds; })},
      {"ui.speech", one_of<bool>({{"off", false}, {"toggle", true}},
                                 [](Config& c) -> bool& { return c.ui.speech_toggle; })},
      {"ui.controls", one_of<bool>({{"anywhere", false}, {"lower", true}},
                                   [](Config& c) -> bool& { return c.ui.controls_lower; })},
      {"usb.allow", usb_allow_list()},
      {"card.reader",
       device_uri({"sim://demo", "ccid://"}, "ccid://", "sim://demo, ccid:// or ccid://VVVV:PPPP",
                  [](Config& c) -> std::string& { return c.card.reader; })},
      {"card.profile",
       [](const SettingContext& c) -> std::
                                       optional<std::string> {
                                         auto value = c.value.value_exact<std::string>();
                                         bool ok = value && !value->empty() &&
                                                   value->size() <= 64 &&
                                                   value->find_first_not_of(
                                                       "abcdefghijklmnopqrstuvwxyz0123456789-") ==
                                                       std::string::npos;
                                         if (!ok)
                                           return "expected a profile name of a-z, 0-9 and '-' (a "
                                                  "file in assets/card-profiles)";
                                         c.config.card.profile = *value;
                                         return std::nullopt;
                                       }},
      {"card.command_timeout_ms",
       integer_in(100, 60000, [](Config& c) -> int& { return c.card.command_timeout_ms; })},
      {"scanner.reader", device_uri({"none"}, "hid://", "none or hid://VVVV:PPPP",
                                    [](Config& c) -> std::string& { return c.scanner.reader; })},
      {"scanner.layout",
       one_of<std::string>({{"us", "us"}, {"ar", "ar"}},
                           [](Config& c) -> std::string& { return c.scanner.layout; })},
      {"scanner.end_of_scan_ms",
       integer_in(10, 2000, [](Config& c) -> int& { return c.scanner.end_of_scan_ms; })},
      {"updates.metadata_url",
       url([](Config& c) -> std::string& { return c.updates.metadata_url; })},
      {"updates.targets_url", url([](Config& c) -> std::string& { return c.updates.targets_url; })},
      {"updates.trusted_root", path([](Config& c) -> fs::path& { return c.updates.trusted_root; })},
      {"updates.ca_file", path([](Config& c) -> fs::path& { return c.updates.ca_file; })},
      {"updates.client_cert", path([](Config& c) -> fs::path& { return c.updates.client_cert; })},
      {"updates.client_key", path([](Config& c) -> fs::path& { return c.updates.client_key; })},
      {"updates.interval_minutes",
       integer_in(1, 7 * 24 * 60, [](Config& c) -> int& { return c.updates.interval_minutes; })},
      {"updates.jitter_percent",
       integer_in(0, 100, [](Config& c) -> int& { return c.updates.jitter_percent; })},
      {"portal.url", portal_url()},
      {"portal.ca_file", path([](Config& c) -> fs::path& { return c.portal.ca_file; })},
      {"portal.client_cert", path([](Config& c) -> fs::path& { return c.portal.client_cert; })},
      {"portal.client_key", path([](Config& c) -> fs::path& { return c.portal.client_key; })},
      {"portal.heartbeat_seconds",
       integer_in(5, 86'400, [](Config& c) -> int& { return c.portal.heartbeat_seconds; })},
      {"store.retention_days",
       integer_in(1, 3650, [](Config& c) -> int& { return c.store.retention_days; })},
      {"store.min_free_mb",
       integer_in(1, 1'000'000, [](Config& c) -> int& { return c.store.min_free_mb; })},
      {"payment.terminal",
       one_of<std::string>({{"sim://demo", "sim://demo"}, {"none", "none"}},
                           [](Config& c) -> std::string& { return c.payment.terminal; })},
      {"printer.uri",
       [](const SettingContext& c) -> std::
                                       optional<std::string> {
                                         auto value = c.value.value_exact<std::string>();
                                         if (!value)
                                           return fmt::format("expected a string, got {}",
                                                              type_name(c.value));
                                         if (auto parsed = parse_printer_uri(*value); !parsed)
                                           return parsed.error().message;
                                         c.config.printer.uri = *value;
                                         return std::nullopt;
                                       }},
      {"printer.width_dots",
       integer_in(200, 2400, [](Config& c) -> int& { return c.printer.width_dots; })},
      {"printer.attempts", integer_in(1, 5, [](Config& c) -> int& { return c.printer.attempts; })},
      {"printer.retry_backoff_ms",
       integer_in(0, 5000, [](Config& c) -> int& { return c.printer.retry_backoff_ms; })},
      {"printer.format",
       one_of<PrinterFormat>({{"escpos", PrinterFormat::escpos}, {"pwg", PrinterFormat::pwg}},
                             [](Config& c) -> PrinterFormat& { return c.printer.format; })},
      {"printer.resolution_dpi",
       integer_in(100, 1200, [](Config& c) -> int& { return c.printer.resolution_dpi; })},
      {"printer.job_timeout_seconds",
       integer_in(1, 600, [](Config& c) -> int& { return c.printer.job_timeout_seconds; })},
      {"printer.logo", path([](Config& c) -> fs::path& { return c.printer.logo; })},
      {"log.level", one_of<LogLevel>({{"debug", LogLevel::debug},
                                      {"info", LogLevel::info},
                                      {"warn", LogLevel::warn},
                                      {"error", LogLevel::error}},
                                     [](Config& c) -> LogLevel& { return c.log.level; })},
      {"log.journal",
       one_of<JournalMode>(
           {{"auto", JournalMode::automatic}, {"on", JournalMode::on}, {"off", JournalMode::off}},
           [](Config& c) -> JournalMode& { return c.log.journal; })},
      {"technician.pin_hash",
       [](const SettingContext& c)
           -> std::
               optional<std::string> {
                 // The full check (cost bounds, base64) is the PIN verifier's; this catches a
                 // pasted PIN or a truncated line at start.
                 auto value = c.value.value_exact<std::string>();
                 if (!value) return fmt::format("expected a string, got {}", type_name(c.value));
                 if (!value->empty() && (!value->starts_with("scrypt$") ||
                                         std::count(value->begin(), value->end(), '$') != 5)) {
                   return "expected \"scrypt$ln=..$r=..$p=..$<salt>$<hash>\" (shubbakctl kiosk "
                          "set-pin), or empty";
                 }
                 c.config.technician.pin_hash = *value;
                 return std::nullopt;
               }},
      {"technician.max_failures",
       integer_in(1, 20, [](Config& c) -> int& { return c.technician.max_failures; })},
      {"technician.lockout_minutes",
       integer_in(1, 24 * 60, [](Config& c) -> int& { return c.technician.lockout_minutes; })},
      {"technician.idle_seconds",
       integer_in(1, 86'400, [](Config& c) -> int& { return c.technician.idle_seconds; })},
      {"technician.export_dir",
       path([](Config& c) -> fs::path& { return c.technician.export_dir; })},
  };
  return all;
}

const Setting* find_setting(std::string_view key) {
  for (const auto& setting : settings()) {
    if (setting.key == key) return &setting;
  }
  return nullptr;
}

bool is_section(std::string_view name) {
  for (const auto& setting : settings()) {
    if (setting.key.substr(0, setting.key.find('.')) == name) return true;
  }
  return false;
}

std::string at(std::string_view source, const toml::source_region& where) {
  return fmt::format("{}:{}", source, where.begin.line);
}

// A string setting with a control character in it ("\u0000" is valid TOML) is refused: no path,
// URL, id or hash has one, and a NUL would cut a path short where it reaches the C library.
std::optional<unsigned> control_character(const toml::node& value) {
  auto scan = [](std::string_view text) -> std::optional<unsigned> {
    for (char ch : text) {
      auto byte = static_cast<unsigned char>(ch);
      if (byte < 0x20 || byte == 0x7F) return byte;
    }
    return std::nullopt;
  };
  if (const auto* text = value.as_string()) return scan(text->get());
  if (const auto* array = value.as_array()) {
    for (const auto& item : *array) {
      if (const auto* text = item.as_string()) {
        if (auto found = scan(text->get())) return found;
      }
    }
  }
  return std::nullopt;
}

// toml++ recurses once per part of a dotted key ("a.b.c = 1", "[a.b.c]") and overflows the
// stack at some tens of thousands of parts, a crash before it can say anything. No setting
// nests deeper than a section and a key, so a line with more dots outside strings and comments
// than any real file has is refused before the parser sees it. A dotted key cannot span lines
// and values nest at most 256 deep (TOML_MAX_NESTED_VALUES), so this bounds the depth.
std::optional<std::string> refuse_deep_keys(std::string_view text, std::string_view source_name) {
  int line = 1;
  int dots = 0;
  std::size_t i = 0;
  auto here = [&](std::string_view token) { return text.substr(i, token.size()) == token; };
  // Skips a string starting at i (at its opening quote); returns false when it does not end.
  auto skip_string = [&](std::string_view quote, bool escapes, bool multiline) {
    i += quote.size();
    while (i < text.size()) {
      if (here(quote)) {
        i += quote.size();
        return true;
      }
      char ch = text[i];
      if (ch == '\n') {
        if (!multiline) return true;  // the parser reports the unterminated string
        ++line;
      }
      i += escapes && ch == '\\' && i + 1 < text.size() && text[i + 1] != '\n' ? 2U : 1U;
    }
    return false;
  };
  while (i < text.size()) {
    char ch = text[i];
    if (ch == '\n') {
      ++line;
      dots = 0;
      ++i;
    } else if (ch == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (ch == '"' || ch == '\'') {
      std::string_view triple = ch == '"' ? "\"\"\"" : "'''";
      bool multiline = here(triple);
      if (!skip_string(multiline ? triple : triple.substr(0, 1), ch == '"', multiline)) return {};
    } else {
      if (ch == '.' && ++dots > k_max_dots_per_line) {
        return fmt::format(
            "{}:{}: more than {} dots outside strings on one line (keys nest at "
            "most a section and a key deep)",
            source_name, line, k_max_dots_per_line);
      }
      ++i;
    }
  }
  return {};
}

}  // namespace

Expected<Config> parse_config(std::string_view text, std::string_view source_name,
                              const fs::path& base_dir) {
  if (text.size() > k_max_config_bytes) {
    return fail(Errc::config, fmt::format("{}: {} bytes, more than the {} a configuration may have",
                                          source_name, text.size(), k_max_config_bytes));
  }
  if (auto refused = refuse_deep_keys(text, source_name)) return fail(Errc::config, *refused);
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return fail(Errc::config, fmt::format("{}:{}:{}: {}", source_name, e.source().begin.line,
                                          e.source().begin.column, e.description()));
  }

  Config config;
  // Collect every problem, so a technician fixes the file in one pass.
  std::vector<std::string> problems;
  for (auto&& [section_key, section] : root) {
    std::string_view section_name = section_key.str();
    if (!is_section(section_name)) {
      problems.push_back(fmt::format("{}: unknown section [{}]",
                                     at(source_name, section_key.source()), section_name));
      continue;
    }
    const toml::table* table = section.as_table();
    if (table == nullptr) {
      problems.push_back(fmt::format("{}: {}: expected a table, got {}",
                                     at(source_name, section_key.source()), section_name,
                                     type_name(section)));
      continue;
    }
    for (auto&& [key, value] : *table) {
      std::string full = fmt::format("{}.{}", section_name, key.str());
      const Setting* setting = find_setting(full);
      if (setting == nullptr) {
        problems.push_back(fmt::format("{}: unknown key {}", at(source_name, key.source()), full));
        continue;
      }
      if (auto control = control_character(value)) {
        problems.push_back(fmt::format("{}: {}: contains the control character U+{:04X}",
                                       at(source_name, value.source()), full, *control));
        continue;
      }
      if (auto refused = setting->apply(SettingContext{value, config, base_dir})) {
        problems.push_back(
            fmt::format("{}: {}: {}", at(source_name, value.source()), full, *refused));
      }
    }
  }
  if (!config.portal.url.empty() &&
      (config.portal.ca_file.empty() || config.portal.client_cert.empty() ||
       config.portal.client_key.empty())) {
    problems.push_back(
        fmt::format("{}: portal.url is set, so portal.ca_file, portal.client_cert and "
                    "portal.client_key are needed too",
                    source_name));
  }
  const auto& offered = config.kiosk.languages;
  if (std::find(offered.begin(), offered.end(), config.kiosk.language) == offered.end()) {
    problems.push_back(fmt::format("{}: kiosk.language \"{}\" is not one of kiosk.languages",
                                   source_name, to_string(config.kiosk.language)));
  }
  if (!problems.empty()) return fail(Errc::config, fmt::format("{}", fmt::join(problems, "\n")));
  return config;
}

Expected<Config> load_config(const fs::path& path) {
  // Every way of naming no usable file is refused with the reason: a kiosk that quietly ran on
  // the built-in defaults would make a new device key and journal wherever it was started.
  if (path.empty()) return fail(Errc::config, "no configuration file named (an empty path)");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    int error = errno;
    return fail_errno(error == ENOENT ? Errc::not_found : Errc::config,
                      fmt::format("cannot read the configuration {}", path.string()), error);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return fail_errno(Errc::config, fmt::format("cannot read the configuration {}", path.string()),
                      errno);
  }
  if (!S_ISREG(info.st_mode)) {
    return fail(Errc::config,
                fmt::format("the configuration {} is {}, not a file", path.string(),
                            S_ISDIR(info.st_mode) ? "a directory" : "a device, pipe or socket"));
  }
  if (static_cast<std::uint64_t>(info.st_size) > k_max_config_bytes) {
    return fail(Errc::config, fmt::format("{}: {} bytes, more than the {} a configuration may have",
                                          path.string(), info.st_size, k_max_config_bytes));
  }
  std::string text;
  char buffer[16 * 1024];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return fail_errno(Errc::config,
                        fmt::format("cannot read the configuration {}", path.string()), errno);
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
    // A file that grows while it is read is cut off here, not read without end.
    if (text.size() > k_max_config_bytes) break;
  }
  return parse_config(text, path.string(), fs::absolute(path).parent_path());
}

}  // namespace shubbak
