#include "tests/support/ui_harness.hpp"

#include <stdexcept>

#include "kiosk/core/config.hpp"
#include "tests/support/temp_dir.hpp"

namespace shubbak::testing {

namespace {
template <class T>
T must(Expected<T> value, const char* what) {
  if (!value) throw std::runtime_error(std::string(what) + ": " + value.error().describe());
  return std::move(*value);
}
}  // namespace

UiHarness::UiHarness(Language language, Size size, Rotation rotation) {
  m_display = must(Display::open({DisplayMode::headless, size, rotation}, Log(m_logger, "display")),
                   "display");
  m_text = must(TextEngine::open(Config::Text{}), "text engine");
  m_messages = std::make_unique<Messages>(
      must(Messages::load(std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/i18n/messages.toml"),
           "messages"));
  m_loop = std::make_unique<EventLoop>(m_display->loop_backend());
  m_ui = std::make_unique<UiContext>(*m_text, *m_loop, *m_messages, m_display->size(), 96, language,
                                     DigitStyle::western, Log(m_logger, "ui"));
  m_app = std::make_unique<KioskApp>(*m_loop, *m_display, Log(m_logger, "app"));
}

// Queued tasks may hold screens (a replaced screen lives until its event returns): destroy them
// while the UI context they refer to is still alive.
UiHarness::~UiHarness() {
  m_loop->discard_pending();
}

bool UiHarness::run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  bool reached = false;
  auto deadline = m_loop->add_timer(limit, [this] { m_loop->quit(0); });
  auto check = m_loop->add_repeating_timer(std::chrono::milliseconds(1), [&] {
    if (done()) {
      reached = true;
      m_loop->quit(0);
    }
  });
  m_loop->post([&] {
    if (done()) {
      reached = true;
      m_loop->quit(0);
    }
  });
  m_loop->run();
  m_loop->cancel_timer(deadline);
  m_loop->cancel_timer(check);
  return reached;
}

void UiHarness::settle() {
  // Long enough for pushed events to be dispatched and a frame drawn; nothing waits on a timer.
  run_until([] { return false; }, std::chrono::milliseconds(20));
}

void UiHarness::tap(std::string_view id) {
  auto rect = m_app->screen() ? m_app->screen()->find_element(id) : std::nullopt;
  if (!rect) throw std::runtime_error("no element " + std::string(id));
  tap_at(rect->center());
}

void UiHarness::tap_at(Point p) {
  m_display->inject_touch(PointerEvent::Kind::down, p);
  m_display->inject_touch(PointerEvent::Kind::up, p);
  settle();
}

Image UiHarness::screenshot() {
  TempDir dir;
  auto path = dir / ("shot" + std::to_string(++m_shots) + ".png");
  bool saved = false;
  m_app->request_screenshot(path, [&](Expected<void> r) { saved = r.has_value(); });
  run_until([&] { return saved; });
  auto image = load_png(path);
  if (!image) throw std::runtime_error("screenshot failed");
  return *image;
}

}  // namespace shubbak::testing
