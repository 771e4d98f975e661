// shubbak: the kiosk runtime. Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration
// or command line.
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/ranges.h>

#include <CLI/CLI.hpp>

#include "drivers/audio/espeak/espeak_speaker.hpp"
#include "drivers/audio/sdl/sdl_audio_output.hpp"
#include "drivers/display/display.hpp"
#include "drivers/payment/payment_terminal.hpp"
#include "drivers/printer/printer_factory.hpp"
#include "kiosk/app/default_assets_dir.hpp"
#include "kiosk/app/demo_defaults.hpp"
#include "kiosk/app/service_notifier.hpp"
#include "kiosk/app/store_and_forward.hpp"
#include "kiosk/app/touch_script.hpp"
#include "kiosk/core/config.hpp"
#include "kiosk/core/messages.hpp"
#include "kiosk/core/run_marker.hpp"
#include "kiosk/core/startup_trace.hpp"
#include "kiosk/crypto/certificate_groups.hpp"
#include "kiosk/image/grey_image.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/signal_watcher.hpp"
#include "kiosk/session/device_hub.hpp"
#include "kiosk/session/device_lanes.hpp"
#include "kiosk/session/headphone_watch.hpp"
#include "kiosk/session/kiosk_app.hpp"
#include "kiosk/session/kiosk_services.hpp"
#include "kiosk/session/kiosk_shell.hpp"
#include "kiosk/session/printer_monitor.hpp"
#include "kiosk/session/reader_devices.hpp"
#include "kiosk/session/service_state_board.hpp"
#include "kiosk/session/spoken_guidance.hpp"
#include "kiosk/session/store_watch.hpp"
#include "kiosk/session/technician_mode.hpp"
#include "kiosk/trust/service_updater.hpp"
#include "screens/shell/welcome_screen.hpp"
#include "screens/text/text_engine.hpp"

namespace {

using namespace shubbak;
namespace fs = std::filesystem;

constexpr int k_exit_failure = 1;
constexpr int k_exit_bad_config = 2;

struct CommandLine {
  std::optional<fs::path> config;
  bool demo = false;
  bool headless = false;
  std::optional<fs::path> script;
  fs::path out_dir = "demo-out";
  bool exit_after_first_frame = false;
};

Expected<Config> load_configuration(const CommandLine& cli) {
  Expected<Config> config = Config{};
  if (cli.config) {
    config = load_config(*cli.config);
  } else if (!cli.demo && fs::exists(k_default_config_path)) {
    // The demo runs on the built-in defaults; an installed kiosk reads its system config.
    config = load_config(k_default_config_path);
  }
  // The demo offers every language the kiosk has, so each can be tried.
  if (config && cli.demo && !cli.config)
    config->kiosk.languages.assign(std::begin(k_languages), std::end(k_languages));
  // The demo's documented PIN, unless its config sets one: never outside --demo.
  if (config && cli.demo && config->technician.pin_hash.empty()) {
    config->technician.pin_hash = k_demo_technician_pin_hash;
  }
  return config;
}

Expected<std::string> read_file(const fs::path& path) {
  // A directory opens and reads as empty: a script that silently does nothing.
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    return fail(Errc::invalid_argument, fmt::format("{} is not a file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail_errno(Errc::not_found, fmt::format("cannot read {}", path.string()), errno);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Today's date where the kiosk stands (its local time zone).
CivilDate local_today() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return {local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

// The installed set as the heartbeat reports it: each offered bundle's id and version.
portal_protocol::InstalledServices service_report(const workflow::Catalog& catalog,
                                                  std::uint64_t generation) {
  portal_protocol::InstalledServices report;
  report.generation = static_cast<std::int64_t>(generation);
  for (const auto& bundle : catalog.services)
    report.bundles.push_back({bundle->id, bundle->version});
  return report;
}

// The services to offer: the verified set the updater installed, else the bundles in assets
// (the demo's). A bundle that fails validation is refused and logged; the others are offered.
workflow::Catalog load_services(const fs::path& directory, const Log& log) {
  auto catalog = workflow::load_catalog(directory);
  for (const auto& refused : catalog.refused) {
    log.error("service bundle {} refused:\n{}", refused.file.string(),
              workflow::format_errors(refused.errors));
  }
  log.info("{} service(s) from {}", catalog.services.size(), directory.string());
  return catalog;
}

// "out_of_service.storage_full" -> "storage full", for `systemctl status`.
std::string status_reason(std::string_view message_key) {
  std::string reason(message_key.substr(message_key.find('.') + 1));
  std::replace(reason.begin(), reason.end(), '_', ' ');
  return reason;
}

// The logo printed on receipts: the configured one (the demo's own when --demo sets none),
// checked once here so that a missing or broken file is logged at start, not at each receipt.
fs::path receipt_logo(const Config& config, const fs::path& assets, bool demo, const Log& log) {
  fs::path logo =
      config.printer.logo.empty() && demo ? assets / "receipt-logo.png" : config.printer.logo;
  if (logo.empty()) return {};
  if (auto readable = read_grey_png(logo); !readable) {
    log.error("receipts are printed without a logo: {}", readable.error().describe());
    return {};
  }
  return logo;
}

// The status line the service manager shows for the shell's state. A store fault adds its detail
// (what was found, and where a damaged journal was moved) for the technician.
std::string service_status(const KioskShell& shell,
                           const std::optional<OutOfService>& store_fault = {}) {
  switch (shell.state()) {
    case ShellState::out_of_service:
      if (store_fault && shell.out_of_service_reason() == message_key(store_fault->reason)) {
        return "out of service: " + status_reason(shell.out_of_service_reason()) + ": " +
               store_fault->detail;
      }
      return "out of service: " + status_reason(shell.out_of_service_reason());
    case ShellState::in_service:
      return "in service, serving a citizen";
    case ShellState::technician:
      return "technician mode";
    case ShellState::attract:
    case ShellState::menu:
      break;
  }
  return "in service";
}

// Routes SIGTERM/SIGINT to the loop once it exists; a signal before that stops it at once.
class ShutdownRequest {
 public:
  void signalled() {
    m_requested = true;
    if (EventLoop* loop = m_loop.load()) loop->quit(0);
  }
  void attach(EventLoop& loop) {
    m_loop = &loop;
    if (m_requested) loop.quit(0);
  }

 private:
  std::atomic<bool> m_requested = false;
  std::atomic<EventLoop*> m_loop = nullptr;
};

// Signed service updates, when configured. A kiosk that cannot start them keeps running the
// services it has: the failure is logged, not fatal.
// Who the kiosk is for staged rollouts: its id, and the groups its portal certificate binds it
// to. A certificate that is not this kiosk's own gives no groups: the kiosk then takes only
// rollouts for every kiosk, never one meant for a group it cannot prove it is in.
trust::RolloutIdentity rollout_identity(const Config& config, const Log& log) {
  trust::RolloutIdentity identity{config.kiosk.id, {}};
  if (config.portal.client_cert.empty() || config.portal.client_key.empty()) {
    log.info("rollout groups: none (no portal client certificate configured)");
    return identity;
  }
  auto groups =
      read_certificate_groups(config.portal.client_cert, config.portal.client_key, config.kiosk.id);
  if (!groups) {
    log.warn("rollout groups: none, the certificate is not this kiosk's: {}",
             groups.error().describe());
    return identity;
  }
  identity.groups = std::move(*groups);
  log.info("rollout groups: {}", identity.groups.empty()
                                     ? std::string("none")
                                     : fmt::format("{}", fmt::join(identity.groups, ", ")));
  return identity;
}

// The updater's per-bundle states in the heartbeat's words and limits.
std::vector<portal_protocol::BundleRollout> rollout_report(
    const std::vector<trust::BundleStatus>& statuses) {
  std::vector<portal_protocol::BundleRollout> report;
  for (const auto& status : statuses) {
    if (report.size() == portal_protocol::k_max_heartbeat_bundles) break;
    portal_protocol::BundleRollout item{
        status.target, std::string(trust::to_string(status.state)), status.opens, {}};
    if (status.state == trust::BundleState::refused) {
      // The heartbeat carries at most 128 printable ASCII bytes; the log has the whole reason.
      for (char c : status.reason.substr(0, 120)) item.reason += (c >= ' ' && c <= '~') ? c : '?';
      if (item.reason.empty()) item.reason = "refused";
    }
    report.push_back(std::move(item));
  }
  return report;
}

// The updater's rollout states with each bundle the kiosk took but could not validate marked
// refused: a version that does not load here is a failure of its wave, and the console counts it.
// `invalid` is the offered set's refused bundles, by target path, with why.
std::vector<portal_protocol::BundleRollout> with_invalid_bundles(
    std::vector<portal_protocol::BundleRollout> states,
    const std::map<std::string, std::string>& invalid) {
  for (const auto& [target, why] : invalid) {
    auto state = std::find_if(states.begin(), states.end(),
                              [&](const auto& item) { return item.target == target; });
    if (state == states.end()) {
      if (states.size() == portal_protocol::k_max_heartbeat_bundles) continue;
      state = states.insert(states.end(), portal_protocol::BundleRollout{target, {}, {}, {}});
    }
    state->state = "refused";
    state->opens_s.reset();
    state->reason = why;
  }
  return states;
}

// The bundles of `catalog` (loaded from a set in `set_directory`) that failed validation, by
// target path, each with its first error in the heartbeat's limits (printable ASCII, 120 bytes).
std::map<std::string, std::string> invalid_bundles(const workflow::Catalog& catalog,
                                                   const fs::path& set_directory) {
  std::map<std::string, std::string> invalid;
  for (const auto& refused : catalog.refused) {
    std::error_code ec;
    auto relative = fs::relative(refused.file, set_directory, ec);
    if (ec || relative.empty() || relative.native().starts_with("..")) continue;
    std::string first = workflow::format_errors(refused.errors);
    first = first.substr(0, first.find('\n'));
    std::string why;
    for (char c : ("does not validate: " + first).substr(0, 120))
      why += (c >= ' ' && c <= '~') ? c : '?';
    invalid[trust::ServiceUpdaterOptions{}.prefix + relative.generic_string()] = why;
  }
  return invalid;
}

std::unique_ptr<trust::ServiceUpdater> start_service_updates(
    const Config& config, EventLoop& loop, Lane& updates_lane, Logger& logger,
    trust::ServiceUpdater::ReadyHandler on_new_set,
    trust::ServiceUpdater::RefusedHandler on_refused,
    std::function<void(std::vector<portal_protocol::BundleRollout>)> on_rollout_states) {
  Log log(logger, "updates");
  // Without a repository URL a kiosk that holds a trusted root still takes a repository from a
  // technician's USB stick (technician mode); without either there is nothing to verify against.
  std::error_code ec;
  if (config.updates.metadata_url.empty() && !fs::is_regular_file(config.updates.trusted_root, ec))
    return nullptr;
  trust::ServiceUpdaterOptions options;
  options.data_dir = config.kiosk.data_dir;
  options.trusted_root = config.updates.trusted_root;
  options.metadata_url = config.updates.metadata_url;
  options.targets_url = config.updates.targets_url;
  options.interval = std::chrono::minutes(config.updates.interval_minutes);
  options.jitter_percent = config.updates.jitter_percent;
  if (!config.updates.ca_file.empty()) options.fetch.ca_file = config.updates.ca_file;
  if (!config.updates.client_cert.empty()) options.fetch.client_cert = config.updates.client_cert;
  if (!config.updates.client_key.empty()) options.fetch.client_key = config.updates.client_key;
  options.identity = rollout_identity(config, log);
  auto updater =
      trust::ServiceUpdater::open(loop, updates_lane.executor(), std::move(options), log);
  if (!updater) {
    log.error("service updates are off: {}", updater.error().describe());
    return nullptr;
  }
  // The set is installed on disk; the shell takes it over between citizens.
  (*updater)->on_new_set([log, on_new_set](const trust::ServiceSet& set) {
    log.info("service set {} ready ({} bundles); it takes over between citizens", set.generation,
             set.bundles.size());
    on_new_set(set);
  });
  (*updater)->on_refused(std::move(on_refused));
  (*updater)->on_bundle_statuses(
      [on_rollout_states](const std::vector<trust::BundleStatus>& statuses) {
        on_rollout_states(rollout_report(statuses));
      });
  // The caller starts it, after the first frame.
  return std::move(*updater);
}

// SDL's X11 driver asks the D-Bus session bus to keep the screen saver off. A kiosk started with
// no session bus (no DBUS_SESSION_BUS_ADDRESS, no $XDG_RUNTIME_DIR/bus) would have libdbus fork
// and exec dbus-launch to look for one, about 20 ms of every start for nothing (or, with dbus-x11
// installed, a bus daemon nobody uses). "disabled:" tells libdbus there is none. Called before
// any thread that could read the environment exists.
void without_session_bus_autolaunch() {
  if (std::getenv("DBUS_SESSION_BUS_ADDRESS") != nullptr) return;
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR")) {
    std::error_code ec;
    if (fs::exists(fs::path(runtime) / "bus", ec)) return;
  }
  ::setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:", 0);
}

int run(const CommandLine& cli, Logger& logger, StartupTrace& trace) {
  Log log(logger, "kiosk");
  // A printer or portal that drops a connection mid-write must fail that write, not end the kiosk.
  std::signal(SIGPIPE, SIG_IGN);
  ShutdownRequest shutdown;
  // First, before any thread exists, so every thread inherits the blocked signal mask.
  auto watcher = SignalWatcher::start([&](int signal) {
    log.info("stopping on {}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    shutdown.signalled();
  });
  if (!watcher) {
    log.error("{}", watcher.error().describe());
    return k_exit_failure;
  }

  auto config = load_configuration(cli);
  if (!config) {
    std::fprintf(stderr, "shubbak: %s\n", config.error().describe().c_str());
    return config.error().code == Errc::config || config.error().code == Errc::not_found
               ? k_exit_bad_config
               : k_exit_failure;
  }
  logger.set_threshold(config->log.level);
  bool journal = config->log.journal == JournalMode::on ||
                 (config->log.journal == JournalMode::automatic && journal_available());
  if (journal) logger.add_sink(make_journal_sink());

  fs::path assets =
      config->kiosk.assets_dir.empty() ? default_assets_dir() : config->kiosk.assets_dir;
  trace.phase("config");
  auto messages = Messages::load(assets / "i18n" / "messages.toml", config->kiosk.languages);
  if (!messages) {
    log.error("{}", messages.error().describe());
    return k_exit_failure;
  }
  std::error_code ec;
  fs::create_directories(config->kiosk.data_dir, ec);
  if (ec) {
    log.error("cannot create data directory {}: {}", config->kiosk.data_dir.string(), ec.message());
    return k_exit_failure;
  }

  // The journal before anything else that could take a citizen's transaction. A corrupt store
  // or a full disk is logged and leaves the kiosk running, out of service. It opens (the device
  // key, SQLite, the journal's marks) on a thread of its own while this one opens the display
  // and the fonts: neither needs the other, and each waits on its own disk or server. Nothing
  // that takes a transaction exists until it has joined, below.
  trace.phase("message catalog");
  using TraceClock = StartupTrace::Clock;
  struct OpenedStore {
    std::unique_ptr<StoreAndForward> transactions;
    TraceClock::time_point began, ended;
  };
  auto store_opening = std::async(std::launch::async, [&config, &logger] {
    OpenedStore opened;
    opened.began = TraceClock::now();
    opened.transactions = std::make_unique<StoreAndForward>(*config, logger, SHUBBAK_VERSION);
    opened.ended = TraceClock::now();
    return opened;
  });
  // The fonts and ICU likewise, beside the display.
  struct OpenedText {
    Expected<std::unique_ptr<TextEngine>> engine;
    TraceClock::time_point began, ended;
  };
  auto text_opening = std::async(std::launch::async, [&config] {
    auto began = TraceClock::now();
    auto engine = TextEngine::open(config->text);
    return OpenedText{std::move(engine), began, TraceClock::now()};
  });

  std::optional<std::vector<ScriptStep>> script;
  if (cli.script) {
    auto text = read_file(*cli.script);
    if (!text) {
      log.error("{}", text.error().describe());
      return k_exit_bad_config;
    }
    auto parsed = parse_touch_script(*text, cli.script->string());
    if (!parsed) {
      std::fprintf(stderr, "shubbak: %s\n", parsed.error().describe().c_str());
      return k_exit_bad_config;
    }
    script = std::move(*parsed);
  }

  DisplayOptions display_options;
  display_options.mode = cli.headless ? DisplayMode::headless : config->display.mode;
  display_options.size = {config->display.width, config->display.height};
  display_options.rotation = *rotation_from_degrees(config->display.rotation);
  display_options.renderer = config->display.renderer;
  display_options.trace = &trace;
  auto display = Display::open(display_options, Log(logger, "display"));
  if (!display) {
    log.error("{}", display.error().describe());
    return k_exit_failure;
  }
  // Headless, the demo walks its scripted citizen; on a real display a person does.
  if (!script && cli.demo && (*display)->headless()) {
    script = *parse_touch_script(demo_touch_script(), "demo");
  }

  OpenedText opened_text = text_opening.get();
  trace.phase("wait for fonts and ICU");
  trace.beside("fonts and ICU", opened_text.began, opened_text.ended);
  auto& text = opened_text.engine;
  if (!text) {
    log.error("{}", text.error().describe());
    return k_exit_failure;
  }

  EventLoop loop((*display)->loop_backend());
  shutdown.attach(loop);
  ServiceNotifier service_manager(Log(logger, "service"));
  DeviceLanes lanes;
  KioskApp app(loop, **display, Log(logger, "app"));
  (*display)->on_close_requested([&] {
    if (config->display.mode == DisplayMode::window) loop.quit(0);  // a kiosk ignores it
  });

  UiContext ui(
      **text, loop, *messages, (*display)->size(), config->display.dpi, config->kiosk.language,
      config->locale.native_digits ? DigitStyle::native : DigitStyle::western, Log(logger, "ui"));
  ui.set_theme(**theme_named(config->ui.theme));  // the config only accepts known names
  ui.set_languages(config->kiosk.languages);
  ui.set_controls_reach(config->ui.controls_lower ? ControlsReach::lower : ControlsReach::anywhere);

  trace.phase("loop and UI context");
  OpenedStore opened_store = store_opening.get();
  trace.phase("wait for store");
  trace.beside("store", opened_store.began, opened_store.ended);
  StoreAndForward& transactions = *opened_store.transactions;
  RunMarker run_marker(config->kiosk.data_dir);
  Error marker_error{};
  transactions.set_restart_cause(run_marker.start(&marker_error));
  if (!marker_error.message.empty())
    log.warn("cannot mark this run as running: {}", marker_error.describe());

  // Devices. A device that cannot be opened is logged; the services that need it fail cleanly.
  // The hub holds each device's status: the menu, the heartbeat and the technician read it.
  DeviceHub devices;
  // Until the printer first answers (the monitor asks at once), it is taken to be as configured.
  devices.set_status(DeviceId::printer, config->printer.uri == "none" ? DeviceStatus::not_installed
                                                                      : DeviceStatus::online);
  // A full disk at start clears itself once there is room (StoreWatch, below).
  devices.set_status(DeviceId::store,
                     transactions.out_of_service()
                         ? store_device_status(transactions.out_of_service()->reason)
                         : DeviceStatus::online);
  KioskServices* services_for_scans = nullptr;  // set once the services exist, below
  ReaderDevices::Listeners listeners;
  listeners.on_card_reader = [&devices](bool connected) {
    devices.set_status(DeviceId::card_reader,
                       connected ? DeviceStatus::online : DeviceStatus::offline);
  };
  // A scanner that stops is offline until it is opened again (services that need it are
  // hidden meanwhile), and online again when it is.
  listeners.on_scanner = [&devices](bool connected) {
    devices.set_status(DeviceId::scanner, connected ? DeviceStatus::online : DeviceStatus::offline);
  };
  listeners.on_scan = [&services_for_scans](Scan scan) {
    if (services_for_scans) services_for_scans->scanned(std::move(scan));
  };
  // A USB reader counts once it is attached (present at boot or plugged in later); the
  // simulated one is there as soon as it is opened.
  devices.set_status(DeviceId::card_reader, DeviceStatus::offline);
  auto readers = ReaderDevices::open(*config, assets, loop, lanes.card.executor(),
                                     lanes.scanner.executor(), Log(logger, "readers"), listeners);
  if (!readers) log.error("card reader and scanner: {}", readers.error().describe());
  if (readers && !config->card.reader.starts_with("ccid://"))
    devices.set_status(DeviceId::card_reader, DeviceStatus::online);
  // A configured scanner is offline until its first open on the scanner lane says otherwise.
  devices.set_status(DeviceId::scanner, config->scanner.reader == "none"
                                            ? DeviceStatus::not_installed
                                            : DeviceStatus::offline);
  std::unique_ptr<PaymentTerminal> terminal;
  if (auto opened = open_payment_terminal(config->payment.terminal)) {
    terminal = std::move(*opened);
  } else {
    log.error("payment terminal: {}", opened.error().describe());
  }
  std::optional<PaymentJournal> payment_journal;
  std::unique_ptr<PaymentDesk> payments;
  if (terminal) {
    // Payment intents live in the transaction store: a kiosk that cannot store takes no money.
    if (TransactionStore* store = transactions.store()) {
      payment_journal.emplace(*store, config->kiosk.data_dir / "payments");
      payments =
          std::make_unique<PaymentDesk>(*terminal, *payment_journal, Log(logger, "payments"));
    } else {
      log.error("payments are off: the transaction store is out of service");
    }
  }
  devices.set_status(DeviceId::payment_terminal, config->payment.terminal == "none"
                                                     ? DeviceStatus::not_installed
                                                 : payments ? terminal->device_status()
                                                            : DeviceStatus::offline);
  std::unique_ptr<ReceiptPrinter> printer;
  if (auto opened =
          open_receipt_printer(config->printer, config->kiosk.data_dir, Log(logger, "printer"))) {
    printer = std::move(*opened);
  } else {
    log.error("printer: {}", opened.error().describe());
  }
  if (!printer) devices.set_status(DeviceId::printer, DeviceStatus::not_installed);
  std::optional<PrinterMonitor> printer_monitor;
  if (printer) {
    printer_monitor.emplace(loop, lanes.printer, *printer, devices,
                            std::chrono::seconds(config->shell.device_poll_seconds),
                            Log(logger, "printer"));
  }
  trace.phase("devices");
  AuditTrail audit(transactions.store(), lanes.store, Log(logger, "audit"));
  KioskServices services(ui, loop, lanes,
                         {readers ? readers->get() : nullptr, payments.get(), transactions.store(),
                          printer.get(), config->text, assets / "card-profiles",
                          readers && config->scanner.reader != "none", &audit, &devices,
                          PrintPolicy{config->printer.attempts,
                                      std::chrono::milliseconds(config->printer.retry_backoff_ms)},
                          transactions.device_key(), receipt_logo(*config, assets, cli.demo, log)},
                         config->kiosk.id, Log(logger, "services"));
  services_for_scans = &services;
  services.reconcile_payments();
  services.recover_receipts();

  // A kiosk fed by a signed repository offers only what it verified: until its first set is
  // installed it has none, and says so. That includes a kiosk updated only from USB sticks (a
  // trusted root, no URL). Without either (the demo, a developer's machine) it offers the
  // bundles shipped in assets.
  fs::path installed = config->kiosk.data_dir / "services" / "current";
  bool signed_only = !config->updates.metadata_url.empty() ||
                     (!cli.demo && fs::is_regular_file(config->updates.trusted_root, ec));
  auto initial_services = [&] {
    if (fs::exists(installed)) return load_services(installed, log);
    if (signed_only) {
      log.warn("no verified service set is installed yet");
      return workflow::Catalog{};
    }
    return load_services(assets / "services", log);
  };
  trace.phase("citizen services");
  KioskShell::Options shell_options;
  shell_options.default_language = config->kiosk.language;
  shell_options.welcome = {config->kiosk.id, SHUBBAK_VERSION};
  shell_options.attract_cycle = std::chrono::seconds(config->shell.attract_cycle_seconds);
  shell_options.menu_idle = std::chrono::seconds(config->shell.menu_idle_seconds);
  shell_options.theme = *theme_named(config->ui.theme);
  StoreWatch store_watch(loop, lanes.store.executor(), transactions.store(), devices,
                         std::chrono::seconds(std::min(config->shell.device_poll_seconds, 5)),
                         Log(logger, "store"));
  shell_options.check_store = [&store_watch](std::function<void(bool)> done) {
    store_watch.check(std::move(done));
  };
  workflow::Catalog first_services = initial_services();
  auto installed_set = trust::load_current_service_set(config->kiosk.data_dir);
  transactions.set_installed_services(
      service_report(first_services, installed_set ? installed_set->generation : 0));
  KioskShell shell(ui, app, services, devices, std::move(first_services), local_today,
                   shell_options, Log(logger, "shell"));
  Liveness shell_alive;  // a service set that finishes loading after the shell is gone is dropped
  shell.on_session_start([&](const workflow::Bundle& bundle) {
    audit.record(audit_kind::session_start, {{"service", bundle.id}, {"version", bundle.version}});
  });
  shell.on_session_end([&](workflow::EndResult result) {
    audit.record(audit_kind::session_end,
                 {{"result", result == workflow::EndResult::completed   ? "completed"
                             : result == workflow::EndResult::cancelled ? "cancelled"
                                                                        : "failed"}});
  });
  // The updater's last rollout states and the offered set's invalid bundles (loop thread only):
  // the heartbeat reports both.
  trace.phase("service catalog and shell");
  std::vector<portal_protocol::BundleRollout> rollout_states;
  std::map<std::string, std::string> invalid_in_set;
  auto updates = start_service_updates(
      *config, loop, lanes.updates, logger,
      [&](const trust::ServiceSet& set) {
        audit.record(audit_kind::update, {{"generation", std::to_string(set.generation)},
                                          {"bundles", std::to_string(set.bundles.size())}});
        // Reading and validating the bundles is disk work: on the updates lane, then to the shell.
        run_on_lane(
            lanes.updates, loop, shell_alive.token(),
            [log, directory = set.directory] { return load_services(directory, log); },
            [&, generation = set.generation, directory = set.directory](workflow::Catalog catalog) {
              transactions.set_installed_services(service_report(catalog, generation));
              invalid_in_set = invalid_bundles(catalog, directory);
              transactions.set_rollout_states(with_invalid_bundles(rollout_states, invalid_in_set));
              shell.replace_catalog(std::move(catalog));
            });
      },
      [&](const Error& refused) {
        // An attack or a broken repository: refused, audited, and the last good services stay.
        audit.record(audit_kind::update, {{"refused", refused.message}});
      },
      [&](std::vector<portal_protocol::BundleRollout> states) {
        rollout_states = std::move(states);
        transactions.set_rollout_states(with_invalid_bundles(rollout_states, invalid_in_set));
      });
  trace.phase("updates (TUF)");
  // Spoken guidance, if offered and the kiosk has a sound card; espeak-ng starts on its own
  // thread. Opened after the first frame (below): the welcome screen's speech button appears
  // with it.
  std::unique_ptr<EspeakSpeaker> speaker;
  std::unique_ptr<SpokenGuidance> guidance;
  std::unique_ptr<HeadphoneWatch> headphones;
  auto start_speech = [&] {
    if (!config->ui.speech_toggle) return;
    if (auto output = open_sdl_audio_output(EspeakSpeaker::k_sample_rate)) {
      speaker = EspeakSpeaker::start(std::move(*output), {}, Log(logger, "speech"));
      guidance = std::make_unique<SpokenGuidance>(ui, app, *speaker, Log(logger, "guidance"));
      shell.set_spoken_guidance(guidance.get());
      // Headphones plugged in start the voice. Watched once the output is open, so the outputs
      // there at start do not count as plugged in.
      auto jack = HeadphoneJack::open();
      if (!jack) log.info("headphone jack: {}", jack.error().message);
      headphones = std::make_unique<HeadphoneWatch>(
          loop, **display, *guidance, jack ? std::move(*jack) : nullptr, Log(logger, "headphones"));
    } else if (output.error().code == Errc::not_found) {
      log.info("speech is off: {}", output.error().message);  // a kiosk without speakers
    } else {
      log.error("speech is off: {}", output.error().describe());
    }
  };
  // Technician mode: the hidden gesture on the attract screen, then the PIN.
  TechnicianAccess technician_access(
      loop, lanes.background, &audit,
      {config->technician.pin_hash,
       {config->technician.max_failures, std::chrono::minutes(config->technician.lockout_minutes)},
       config->kiosk.data_dir / "technician" / "lockout.json"},
      Log(logger, "technician"));
  TechnicianMode technician(
      ui, app, shell, services, lanes.background, technician_access,
      {readers ? readers->get() : nullptr, printer.get(), transactions.store(), &devices,
       updates.get(), &audit},
      {config->kiosk.id,
       SHUBBAK_VERSION,
       config->kiosk.data_dir,
       config->technician.export_dir,
       config->portal.url,
       {config->portal.ca_file, config->portal.client_cert, config->portal.client_key},
       std::chrono::seconds(config->technician.idle_seconds),
       config->updates.metadata_url,
       {config->updates.ca_file, config->updates.client_cert, config->updates.client_key}},
      Log(logger, "technician"));
  shell.on_technician([&technician] { technician.open(); });
  // `systemctl status` follows the shell: in service, serving a citizen, out of service and why.
  bool ready = false;
  ServiceStateBoard shown_state;  // what the heartbeat reports, read on the uploader's thread
  shell.on_state_change([&] {
    shown_state.set(shell.out_of_service() ? shell.out_of_service_reason() : std::string());
    if (ready) service_manager.status(service_status(shell, transactions.out_of_service()));
  });
  // Out of service while the store cannot take a transaction (the hub's store status says why).
  trace.phase("technician mode");
  shell.show_welcome();
  trace.phase("welcome screen");

  // Only what the first frame needs comes before it. The rest starts just after, on the loop,
  // each part timed in the start-up trace: nothing in it is needed before a citizen can tap.
  auto start_after_first_frame = [&] {
    auto began = TraceClock::now();
    if (printer_monitor) printer_monitor->start();
    trace.deferred("printer monitor", began);
    began = TraceClock::now();
    start_speech();
    trace.deferred("speech and audio", began);
    began = TraceClock::now();
    if (updates) updates->start();
    trace.deferred("updates (TUF)", began);
    began = TraceClock::now();
    store_watch.start();
    transactions.start(
        loop, lanes.store, [&devices] { return devices.heartbeat(); },
        [&](const OutOfService& fault) {  // damage the integrity check found after the start
          devices.set_status(DeviceId::store, DeviceStatus::storage_damaged);
          shell.set_out_of_service(std::string(message_key(fault.reason)));
        },
        [&shown_state] { return shown_state.out_of_service(); });
    trace.deferred("store watch and uploader", began);
    log.info("started after the first frame: printer monitor, speech, updates, store watch");
  };

  // Ready when a citizen can see the kiosk: the first frame is on the screen.
  app.on_first_frame([&] {
    trace.phase("first frame drawn");
    trace.first_frame();
    loop.post(start_after_first_frame);
    ready = true;
    log.info("ready: the first frame is on the screen");
    service_manager.ready(service_status(shell, transactions.out_of_service()));
    if (cli.exit_after_first_frame) {
      std::fputs("first-frame\n", stdout);
      std::fflush(stdout);
      loop.quit(0);
    }
  });

  std::unique_ptr<ScriptRunner> runner;
  if (script) {
    fs::path out = fs::absolute(cli.out_dir);
    runner = std::make_unique<ScriptRunner>(loop, **display, app, std::move(*script), out,
                                            Log(logger, "script"),
                                            [&loop](int code) { loop.quit(code); });
    runner->start();
  }

  log.info("Shubbak {} on kiosk {}", SHUBBAK_VERSION, config->kiosk.id);
  service_manager.start_watchdog(loop);
  trace.phase("script and watchdog");
  int exit_code = loop.run();
  service_manager.stopping();
  if (auto marked = run_marker.stop(); !marked)
    log.warn("cannot mark a clean stop: {}", marked.error().describe());
  transactions.stop();
  lanes.shutdown();        // finish what was handed to the lanes: nothing is dropped
  loop.discard_pending();  // while the screens and the UI context they hold are alive
  updates.reset();         // after the lanes: a running check refers to it
  watcher->reset();

  if (runner && cli.demo) {
    std::printf("demo: %zu screenshot(s) in %s\n", runner->screenshots().size(),
                fs::absolute(cli.out_dir).c_str());
    for (const auto& shot : runner->screenshots()) std::printf("  %s\n", shot.c_str());
  }
  auto counters = (*text)->counters();
  log.info(
      "stopped: {} frames, {} layouts, {} shaping calls, {} glyphs rasterised, {} lines drawn "
      "wider than their box",
      app.frames_drawn(), counters.layouts, counters.shape_calls, counters.rasterisations,
      counters.overflowing_lines);
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // First: the marks count from exec (or from here) to the first frame.
  StartupTrace trace = StartupTrace::from_environment();
  without_session_bus_autolaunch();
  CLI::App cli_app{"Shubbak kiosk runtime"};
  CommandLine cli;
  std::string config_path, script_path;
  auto* config_option = cli_app.add_option("--config", config_path,
                                           "Configuration file (default: /etc/shubbak/kiosk.toml)");
  cli_app.add_flag("--demo", cli.demo,
                   "Built-in demo: demo services, simulated devices, scripted when headless");
  cli_app.add_flag("--headless", cli.headless, "No display: SDL dummy driver, software rendering");
  cli_app.add_option("--script", script_path,
                     "Touch script to run (see kiosk/app/touch_script.hpp)");
  cli_app.add_option("--out", cli.out_dir, "Where scripted screenshots go (default: demo-out)");
  cli_app.add_flag("--exit-after-first-frame", cli.exit_after_first_frame,
                   "Print 'first-frame' when the first frame is presented, then exit (benchmarks)");
  cli_app.set_version_flag("--version", SHUBBAK_VERSION);
  try {
    cli_app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli_app.exit(e);
    return code == 0 ? 0 : k_exit_bad_config;
  }
  // `--config ""` names no file: load_config refuses it, rather than the kiosk running on the
  // built-in defaults as if no --config had been given.
  if (config_option->count() > 0) cli.config = config_path;
  if (!script_path.empty()) cli.script = script_path;

  Logger logger(LogLevel::info);
  logger.add_sink(make_stderr_sink());
  trace.phase("command line");
  return run(cli, logger, trace);
}
