// The SDL2 backend of Display: the only place in Shubbak that includes SDL headers (with its
// atlas and handles beside it).
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include <SDL.h>
#include <SDL_image.h>

#include "drivers/display/display.hpp"
#include "drivers/display/sdl/sdl_handles.hpp"
#include "drivers/display/sdl/sdl_mask_atlas.hpp"
#include "drivers/display/sdl/x11_window_manager.hpp"

namespace shubbak {

namespace {

constexpr int k_atlas_side = 1024;  // 4 MB: several screens of glyphs; refilled if ever full

std::unexpected<Error> sdl_error(std::string_view what) {
  return fail(Errc::device, fmt::format("{}: {}", what, SDL_GetError()));
}

// Sleeps in SDL's event queue when a display server delivers input; headless, nothing arrives
// but what we push ourselves, so a condition variable sleeps without SDL's 1 ms polling.
class SdlLoopBackend final : public LoopBackend {
 public:
  SdlLoopBackend(bool headless, Uint32 wake_event, std::function<void()> dispatch)
      : m_headless(headless), m_wake_event(wake_event), m_dispatch(std::move(dispatch)) {}

  void wait(std::optional<std::chrono::milliseconds> timeout) override {
    if (m_headless) {
      std::unique_lock lock(m_mutex);
      auto woken = [this] { return m_woken || SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT); };
      if (timeout) {
        m_cv.wait_for(lock, *timeout, woken);
      } else {
        m_cv.wait(lock, woken);
      }
      m_woken = false;
      return;
    }
    if (timeout) {
      SDL_WaitEventTimeout(nullptr,
                           static_cast<int>(std::min<std::int64_t>(timeout->count(), 1 << 30)));
    } else {
      SDL_WaitEvent(nullptr);
    }
  }

  void wake() override {
    if (m_headless) {
      {
        std::lock_guard lock(m_mutex);
        m_woken = true;
      }
      m_cv.notify_one();
      return;
    }
    SDL_Event event{};
    event.type = m_wake_event;
    SDL_PushEvent(&event);  // thread-safe; wakes SDL_WaitEvent
  }

  void dispatch() override { m_dispatch(); }

 private:
  bool m_headless;
  Uint32 m_wake_event;
  std::function<void()> m_dispatch;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_woken = false;
};

class SdlCanvas final : public Canvas {
 public:
  SdlCanvas(SDL_Renderer* renderer, Size size, sdl::MaskAtlas& atlas)
      : m_renderer(renderer), m_size(size), m_atlas(atlas) {}

  Size size() const override { return m_size; }

  void clear(Color c) override {
    SDL_SetRenderDrawColor(m_renderer, c.r, c.g, c.b, c.a);
    SDL_RenderClear(m_renderer);
  }

  void fill_rect(const Rect& r, Color c) override {
    SDL_SetRenderDrawBlendMode(m_renderer, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(m_renderer, c.r, c.g, c.b, c.a);
    SDL_Rect rect{r.x, r.y, r.width, r.height};
    SDL_RenderFillRect(m_renderer, &rect);
  }

  void draw_mask(std::uint64_t key, const AlphaMask& mask, Point at, Color c) override {
    std::uint32_t rgb = (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
    auto slot = m_atlas.place(key, rgb, mask);
    if (!slot) return;
    SDL_Texture* texture = m_atlas.texture();
    SDL_SetTextureAlphaMod(texture, c.a);
    SDL_Rect dst{at.x, at.y, slot->w, slot->h};
    SDL_RenderCopy(m_renderer, texture, &*slot, &dst);
  }

  void set_clip(std::optional<Rect> clip) override {
    if (!clip) {
      SDL_RenderSetClipRect(m_renderer, nullptr);
      return;
    }
    SDL_Rect rect{clip->x, clip->y, std::max(0, clip->width), std::max(0, clip->height)};
    SDL_RenderSetClipRect(m_renderer, &rect);
  }

 private:
  SDL_Renderer* m_renderer;
  Size m_size;
  sdl::MaskAtlas& m_atlas;
};

struct PendingScreenshot {
  std::filesystem::path path;
  std::function<void(Expected<void>)> done;
};

bool display_server_present() {
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x11 && *x11) || (wayland && *wayland) || ::access("/dev/dri/card0", R_OK | W_OK) == 0;
}

class SdlDisplay final : public Display {
 public:
  static Expected<std::unique_ptr<Display>> open(const DisplayOptions& options, Log log) {
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");  // SIGTERM/SIGINT belong to SignalWatcher
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");  // a touch is handled once, as a touch
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_APP_NAME, "Shubbak");

    bool headless = options.mode == DisplayMode::headless ||
                    (options.mode == DisplayMode::automatic && !display_server_present());
    if (!headless && SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
      if (options.mode != DisplayMode::automatic) return sdl_error("SDL video init");
      log.warn("no display could be opened ({}); running headless", SDL_GetError());
      headless = true;
    }
    if (headless) {
      SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "dummy", SDL_HINT_OVERRIDE);
      SDL_SetHintWithPriority(SDL_HINT_RENDER_DRIVER, "software", SDL_HINT_OVERRIDE);
      if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) return sdl_error("SDL dummy video init");
    }

    auto mark = [&options](std::string_view phase) {
      if (options.trace) options.trace->phase(phase);
    };
    mark("display connection");
    bool fullscreen = !headless && options.mode != DisplayMode::window;
    Size physical = physical_size(options.size, options.rotation);
    Uint32 flags = SDL_WINDOW_SHOWN;
    int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
    if (fullscreen) {
      SDL_DisplayMode desktop{};
      if (SDL_GetDesktopDisplayMode(0, &desktop) != 0)
        return sdl_error("SDL_GetDesktopDisplayMode");
      physical = {desktop.w, desktop.h};
      // Borderless at 0,0 as well as full screen: without a window manager, X11 does not apply
      // SDL_WINDOW_FULLSCREEN_DESKTOP, and the kiosk must still cover the panel.
      flags |= SDL_WINDOW_BORDERLESS;
      x = y = 0;
    }
    // On X11 the window is made hidden, to ask first whether a window manager runs: without
    // one, SDL would wait 100 ms for an answer to its full-screen request that never comes, and
    // the borderless window at 0,0 of the screen's size already covers it.
    const char* driver = SDL_GetCurrentVideoDriver();
    const bool x11 = driver != nullptr && std::string_view(driver) == "x11";
    if (fullscreen && !x11) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    if (fullscreen && x11) flags = (flags & ~Uint32{SDL_WINDOW_SHOWN}) | SDL_WINDOW_HIDDEN;
    sdl::WindowPtr window(
        SDL_CreateWindow("Shubbak", x, y, physical.width, physical.height, flags));
    if (!window) return sdl_error("SDL_CreateWindow");
    if (fullscreen && x11) {
      bool manager = sdl::x11_window_manager_running(window.get()).value_or(true);
      if (manager && SDL_SetWindowFullscreen(window.get(), SDL_WINDOW_FULLSCREEN_DESKTOP) != 0)
        return sdl_error("SDL_SetWindowFullscreen");
      SDL_ShowWindow(window.get());
      log.info("X11 {}: {}", manager ? "with a window manager" : "without a window manager",
               manager ? "full screen through it" : "a borderless window covers the screen");
    }
    mark("window");

    // Software unless the configuration asks for acceleration: see RendererChoice.
    bool software = headless || options.renderer == RendererChoice::software;
    // Without this, SDL on X11 presents a software window surface through an OpenGL texture:
    // Mesa's start-up and memory without its speed. Shared memory (XShm) is what software wants.
    if (software) SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    Uint32 renderer_flags =
        software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC;
    sdl::RendererPtr renderer(
        SDL_CreateRenderer(window.get(), -1, renderer_flags | SDL_RENDERER_TARGETTEXTURE));
    if (!renderer && !software) {
      log.warn("no accelerated renderer ({}); using the software renderer", SDL_GetError());
      renderer.reset(
          SDL_CreateRenderer(window.get(), -1, SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE));
    }
    if (!renderer) return sdl_error("SDL_CreateRenderer");
    if (SDL_GetRendererOutputSize(renderer.get(), &physical.width, &physical.height) != 0) {
      return sdl_error("SDL_GetRendererOutputSize");
    }
    if (fullscreen) SDL_ShowCursor(SDL_DISABLE);
    SDL_StartTextInput();  // typing from a USB keyboard, in the keyboard's own layout

    Uint32 wake_event = SDL_RegisterEvents(1);
    if (wake_event == static_cast<Uint32>(-1)) return sdl_error("SDL_RegisterEvents");

    auto display = std::unique_ptr<SdlDisplay>(
        new SdlDisplay(std::move(log), std::move(window), std::move(renderer), physical,
                       options.rotation, headless, wake_event));
    if (auto ready = display->prepare_targets(); !ready) return std::unexpected(ready.error());
    mark("renderer");
    display->m_log.info("{} display {}x{} (logical {}x{}, rotation {}), renderer {}",
                        display->driver_name(), physical.width, physical.height,
                        display->size().width, display->size().height, degrees(options.rotation),
                        display->renderer_name());
    return std::unique_ptr<Display>(std::move(display));
  }

  ~SdlDisplay() override {
    m_canvas.reset();
    m_atlas.reset();
    m_rotation_target.reset();
    m_renderer.reset();
    m_window.reset();
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
  }

  Size size() const override { return logical_size(m_physical, m_rotation); }
  Rotation rotation() const override { return m_rotation; }
  bool headless() const override { return m_headless; }
  std::string_view driver_name() const override {
    const char* name = SDL_GetCurrentVideoDriver();
    return name ? name : "none";
  }
  LoopBackend& loop_backend() override { return m_backend; }

  void on_pointer(std::function<void(const PointerEvent&)> h) override {
    m_on_pointer = std::move(h);
  }
  void on_key(std::function<void(const KeyEvent&)> h) override { m_on_key = std::move(h); }
  void on_redraw_needed(std::function<void()> h) override { m_on_redraw = std::move(h); }
  void on_close_requested(std::function<void()> h) override { m_on_close = std::move(h); }
  void on_audio_output_added(std::function<void(const std::string&)> h) override {
    m_on_audio_output_added = std::move(h);
    // SDL numbers outputs in the order it found them and reports each one found at audio start
    // as "added" too: those below today's count were there already.
    m_audio_outputs_known =
        SDL_WasInit(SDL_INIT_AUDIO) != 0 ? std::max(0, SDL_GetNumAudioDevices(0)) : 0;
  }

  Canvas& begin_frame() override {
    SDL_SetRenderTarget(m_renderer.get(), m_rotation_target.get());
    SDL_RenderSetClipRect(m_renderer.get(), nullptr);
    return *m_canvas;
  }

  void present() override {
    SDL_Renderer* renderer = m_renderer.get();
    if (m_rotation_target) {
      SDL_SetRenderTarget(renderer, nullptr);
      Size logical = size();
      SDL_FRect dst{static_cast<float>(m_physical.width - logical.width) / 2.0f,
                    static_cast<float>(m_physical.height - logical.height) / 2.0f,
                    static_cast<float>(logical.width), static_cast<float>(logical.height)};
      SDL_RenderCopyExF(renderer, m_rotation_target.get(), nullptr, &dst, degrees(m_rotation),
                        nullptr, SDL_FLIP_NONE);
    }
    // Read back before presenting: after a present, the back buffer's content is undefined.
    for (auto& shot : std::exchange(m_screenshots, {})) {
      auto saved = save_png(shot.path);
      shot.done(std::move(saved));
    }
    SDL_RenderPresent(renderer);
    ++m_frames;
  }

  std::uint64_t frames_presented() const override { return m_frames; }

  void request_screenshot(std::filesystem::path png,
                          std::function<void(Expected<void>)> done) override {
    m_screenshots.push_back({std::move(png), std::move(done)});
  }

  void inject_text(std::string_view utf8) override {
    // SDL_TEXTINPUT carries at most 31 bytes: send the text in whole characters that fit.
    std::size_t at = 0;
    while (at < utf8.size()) {
      std::size_t end = std::min(utf8.size(), at + sizeof(SDL_TextInputEvent::text) - 1);
      while (end > at && end < utf8.size() &&
             (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80)
        --end;
      SDL_Event event{};
      event.type = SDL_TEXTINPUT;
      std::memcpy(event.text.text, utf8.data() + at, end - at);
      SDL_PushEvent(&event);
      at = end;
    }
    m_backend.wake();
  }

  void inject_audio_device_added(int index, bool capture) override {
    SDL_Event event{};
    event.type = SDL_AUDIODEVICEADDED;
    event.adevice.which = static_cast<Uint32>(index);
    event.adevice.iscapture = capture ? 1 : 0;
    SDL_PushEvent(&event);
    m_backend.wake();
  }

  void inject_key(KeyEvent::Kind kind, bool shift) override {
    for (const auto& binding : k_keys) {
      if (binding.kind != kind) continue;
      SDL_Event event{};
      event.type = SDL_KEYDOWN;
      event.key.state = SDL_PRESSED;
      event.key.keysym.sym = binding.sym;
      event.key.keysym.mod = shift ? KMOD_LSHIFT : KMOD_NONE;
      SDL_PushEvent(&event);
      m_backend.wake();
      return;
    }
  }

  void inject_touch(PointerEvent::Kind kind, Point logical) override {
    Point p = to_physical(logical, size(), m_rotation);
    SDL_Event event{};
    event.type = kind == PointerEvent::Kind::down ? SDL_FINGERDOWN
                 : kind == PointerEvent::Kind::up ? SDL_FINGERUP
                                                  : SDL_FINGERMOTION;
    event.tfinger.timestamp = SDL_GetTicks();
    event.tfinger.touchId = k_injected_touch_device;
    event.tfinger.fingerId = 0;
    // A touch panel reports the centre of the touched pixel, normalised to the panel.
    event.tfinger.x = (static_cast<float>(p.x) + 0.5f) / static_cast<float>(m_physical.width);
    event.tfinger.y = (static_cast<float>(p.y) + 0.5f) / static_cast<float>(m_physical.height);
    event.tfinger.pressure = kind == PointerEvent::Kind::up ? 0.0f : 1.0f;
    SDL_PushEvent(&event);
    m_backend.wake();
  }

 private:
  static constexpr SDL_TouchID k_injected_touch_device = 0x5348;  // "SH"

  SdlDisplay(Log log, sdl::WindowPtr window, sdl::RendererPtr renderer, Size physical,
             Rotation rotation, bool headless, Uint32 wake_event)
      : m_log(std::move(log)),
        m_window(std::move(window)),
        m_renderer(std::move(renderer)),
        m_physical(physical),
        m_rotation(rotation),
        m_headless(headless),
        m_wake_event(wake_event),
        m_backend(headless, wake_event, [this] { pump_events(); }) {}

  Expected<void> prepare_targets() {
    Size logical = size();
    if (m_rotation != Rotation::none) {
      // Screens draw upright into this texture; present() turns it onto the panel.
      m_rotation_target.reset(SDL_CreateTexture(m_renderer.get(), SDL_PIXELFORMAT_ARGB8888,
                                                SDL_TEXTUREACCESS_TARGET, logical.width,
                                                logical.height));
      if (!m_rotation_target) return sdl_error("rotation target texture");
    }
    m_atlas = std::make_unique<sdl::MaskAtlas>(m_renderer.get(), k_atlas_side);
    if (!m_atlas->texture()) return sdl_error("mask atlas texture");
    m_canvas = std::make_unique<SdlCanvas>(m_renderer.get(), logical, *m_atlas);
    return {};
  }

  std::string renderer_name() const {
    SDL_RendererInfo info{};
    SDL_GetRendererInfo(m_renderer.get(), &info);
    return info.name ? info.name : "unknown";
  }

  Expected<void> save_png(const std::filesystem::path& path) {
    sdl::SurfacePtr surface(SDL_CreateRGBSurfaceWithFormat(0, m_physical.width, m_physical.height,
                                                           32, SDL_PIXELFORMAT_ARGB8888));
    if (!surface) return sdl_error("screenshot surface");
    if (SDL_RenderReadPixels(m_renderer.get(), nullptr, SDL_PIXELFORMAT_ARGB8888, surface->pixels,
                             surface->pitch) != 0) {
      return sdl_error("SDL_RenderReadPixels");
    }
    if (path.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
    }
    if (IMG_SavePNG(surface.get(), path.c_str()) != 0) {
      return fail(Errc::io, fmt::format("cannot write {}: {}", path.string(), IMG_GetError()));
    }
    return {};
  }

  void deliver(PointerEvent::Kind kind, float physical_x, float physical_y, std::int64_t id,
               Uint32 time_ms) {
    if (!m_on_pointer) return;
    Point p{static_cast<int>(physical_x), static_cast<int>(physical_y)};
    p.x = std::clamp(p.x, 0, m_physical.width - 1);
    p.y = std::clamp(p.y, 0, m_physical.height - 1);
    m_on_pointer(PointerEvent{kind, to_logical(p, size(), m_rotation), id, time_ms});
  }

  // Mouse coordinates are in window points; the renderer may have more pixels (HiDPI).
  std::pair<float, float> window_to_physical(int x, int y) const {
    int w = 0, h = 0;
    SDL_GetWindowSize(m_window.get(), &w, &h);
    float sx = w > 0 ? static_cast<float>(m_physical.width) / static_cast<float>(w) : 1.0f;
    float sy = h > 0 ? static_cast<float>(m_physical.height) / static_cast<float>(h) : 1.0f;
    return {static_cast<float>(x) * sx, static_cast<float>(y) * sy};
  }

  // The editing keys a form needs and the keypad's keys; anything held with Ctrl, Alt or Super
  // is dropped. A USB numeric keypad's navigation keys (with Num Lock off) count as the arrows;
  // its operator keys are spoken guidance's: / repeat, * pause, - and + volume.
  struct KeyBinding {
    SDL_Keycode sym;
    KeyEvent::Kind kind;
  };
  static constexpr KeyBinding k_keys[] = {
      {SDLK_BACKSPACE, KeyEvent::Kind::backspace},
      {SDLK_DELETE, KeyEvent::Kind::delete_forward},
      {SDLK_LEFT, KeyEvent::Kind::left},
      {SDLK_RIGHT, KeyEvent::Kind::right},
      {SDLK_HOME, KeyEvent::Kind::home},
      {SDLK_END, KeyEvent::Kind::end},
      {SDLK_RETURN, KeyEvent::Kind::enter},
      {SDLK_KP_ENTER, KeyEvent::Kind::enter},
      {SDLK_TAB, KeyEvent::Kind::tab},
      {SDLK_UP, KeyEvent::Kind::up},
      {SDLK_DOWN, KeyEvent::Kind::down},
      {SDLK_ESCAPE, KeyEvent::Kind::back},
      {SDLK_AC_BACK, KeyEvent::Kind::back},
      {SDLK_F1, KeyEvent::Kind::help},
      {SDLK_HELP, KeyEvent::Kind::help},
      {SDLK_F2, KeyEvent::Kind::repeat},
      {SDLK_KP_DIVIDE, KeyEvent::Kind::repeat},
      {SDLK_F3, KeyEvent::Kind::pause},
      {SDLK_KP_MULTIPLY, KeyEvent::Kind::pause},
      {SDLK_AUDIOPLAY, KeyEvent::Kind::pause},
      {SDLK_F5, KeyEvent::Kind::volume_down},
      {SDLK_KP_MINUS, KeyEvent::Kind::volume_down},
      {SDLK_VOLUMEDOWN, KeyEvent::Kind::volume_down},
      {SDLK_F6, KeyEvent::Kind::volume_up},
      {SDLK_KP_PLUS, KeyEvent::Kind::volume_up},
      {SDLK_VOLUMEUP, KeyEvent::Kind::volume_up},
      {SDLK_F7, KeyEvent::Kind::speed_down},
      {SDLK_F8, KeyEvent::Kind::speed_up},
      {SDLK_F9, KeyEvent::Kind::privacy},
  };

  static std::optional<KeyEvent> editing_key(const SDL_Keysym& key) {
    if (key.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return std::nullopt;
    bool shift = (key.mod & KMOD_SHIFT) != 0;
    for (const auto& binding : k_keys) {
      if (binding.sym == key.sym) return KeyEvent{binding.kind, {}, shift};
    }
    return std::nullopt;
  }

  // A headset's output is news; a microphone, or an output there before, is not.
  void audio_device_added(const SDL_AudioDeviceEvent& added) {
    const int index = static_cast<int>(added.which);
    if (added.iscapture != 0 || !m_on_audio_output_added || index < m_audio_outputs_known) return;
    m_audio_outputs_known = index + 1;
    const char* name =
        SDL_WasInit(SDL_INIT_AUDIO) != 0 ? SDL_GetAudioDeviceName(index, 0) : nullptr;
    m_on_audio_output_added(name ? name : "");
  }

  void pump_events() {
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
      switch (e.type) {
        case SDL_FINGERDOWN:
        case SDL_FINGERUP:
        case SDL_FINGERMOTION: {
          auto kind = e.type == SDL_FINGERDOWN ? PointerEvent::Kind::down
                      : e.type == SDL_FINGERUP ? PointerEvent::Kind::up
                                               : PointerEvent::Kind::move;
          deliver(kind, e.tfinger.x * static_cast<float>(m_physical.width),
                  e.tfinger.y * static_cast<float>(m_physical.height),
                  static_cast<std::int64_t>(e.tfinger.fingerId), e.tfinger.timestamp);
          break;
        }
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
          if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT) break;
          {
            auto [px, py] = window_to_physical(e.button.x, e.button.y);
            deliver(
                e.type == SDL_MOUSEBUTTONDOWN ? PointerEvent::Kind::down : PointerEvent::Kind::up,
                px, py, -1, e.button.timestamp);
          }
          break;
        case SDL_MOUSEMOTION:
          if (e.motion.which == SDL_TOUCH_MOUSEID || (e.motion.state & SDL_BUTTON_LMASK) == 0)
            break;
          {
            auto [px, py] = window_to_physical(e.motion.x, e.motion.y);
            deliver(PointerEvent::Kind::move, px, py, -1, e.motion.timestamp);
          }
          break;
        case SDL_WINDOWEVENT:
          if (e.window.event == SDL_WINDOWEVENT_EXPOSED ||
              e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            if (m_on_redraw) m_on_redraw();
          }
          break;
        case SDL_TEXTINPUT:
          if (m_on_key) m_on_key(KeyEvent{KeyEvent::Kind::text, e.text.text, false});
          break;
        case SDL_KEYDOWN:
          if (auto key = editing_key(e.key.keysym); key && m_on_key) m_on_key(*key);
          break;
        case SDL_QUIT:
          if (m_on_close) m_on_close();
          break;
        case SDL_AUDIODEVICEADDED:
          audio_device_added(e.adevice);
          break;
        default:
          break;  // our wake event, keys (the kiosk takes no key combinations), and the rest
      }
    }
  }

  Log m_log;
  sdl::WindowPtr m_window;
  sdl::RendererPtr m_renderer;
  Size m_physical;
  Rotation m_rotation;
  bool m_headless;
  Uint32 m_wake_event;
  SdlLoopBackend m_backend;
  sdl::TexturePtr m_rotation_target;
  std::unique_ptr<sdl::MaskAtlas> m_atlas;
  std::unique_ptr<SdlCanvas> m_canvas;
  std::vector<PendingScreenshot> m_screenshots;
  std::uint64_t m_frames = 0;
  std::function<void(const PointerEvent&)> m_on_pointer;
  std::function<void(const KeyEvent&)> m_on_key;
  std::function<void()> m_on_redraw;
  std::function<void()> m_on_close;
  std::function<void(const std::string&)> m_on_audio_output_added;
  int m_audio_outputs_known = 0;  // outputs there when the handler was set
};

}  // namespace

Expected<std::unique_ptr<Display>> Display::open(const DisplayOptions& options, Log log) {
  return SdlDisplay::open(options, std::move(log));
}

}  // namespace shubbak
