// The kiosk's screen and touch panel. One implementation per platform backend (SDL2 today); the
// rest of Shubbak sees only this interface, in logical coordinates with rotation already applied.
//
// Threading: everything here belongs to the UI thread, except loop_backend().wake(), which the
// event loop calls from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "drivers/display/canvas.hpp"
#include "drivers/display/geometry.hpp"
#include "drivers/display/rotation.hpp"
#include "kiosk/core/display_mode.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/core/startup_trace.hpp"
#include "kiosk/loop/loop_backend.hpp"

namespace shubbak {

struct DisplayOptions {
  DisplayMode mode = DisplayMode::automatic;
  Size size{1920, 1080};  // logical size when headless or windowed; full screen takes the panel's
  Rotation rotation = Rotation::none;
  RendererChoice renderer = RendererChoice::software;  // headless is always software
  StartupTrace* trace = nullptr;  // marks the display's start-up phases, if given (UI thread)
};

// A finger or the mouse: handled alike. Positions are logical.
struct PointerEvent {
  enum class Kind { down, move, up };
  Kind kind;
  Point position;
  std::int64_t pointer_id = 0;
  std::uint32_t time_ms = 0;  // when it happened, on the input system's monotonic clock
};

// Typing from an attached USB keyboard or keypad: text, the few editing keys a form needs, and
// the keypad's keys for moving between controls and for spoken guidance (EN 301 549 5.1.6,
// operation without vision). Key combinations (Ctrl, Alt, Super) are never delivered: no
// combination leaves the kiosk. Which physical key gives which kind: the display backend
// (sdl_display.cpp, and the README's "Keypad").
struct KeyEvent {
  enum class Kind {
    text,
    backspace,
    delete_forward,
    left,
    right,
    home,
    end,
    enter,
    tab,
    up,           // the previous control
    down,         // the next control
    back,         // the screen's "back", as if touched
    help,         // spoken help: the keys and what the screen holds
    repeat,       // read the screen again
    pause,        // pause the voice, or resume it
    volume_down,  // spoken guidance quieter
    volume_up,    // louder
    speed_down,   // slower
    speed_up,     // faster
    privacy,      // blank the screen while the voice goes on, or show it again
  };
  Kind kind;
  std::string text;  // UTF-8, for Kind::text
  bool shift = false;
};

class Display {
 public:
  virtual ~Display() = default;

  // The display the options ask for. In automatic mode, falls back to headless when no display
  // server or KMS device answers.
  static Expected<std::unique_ptr<Display>> open(const DisplayOptions& options, Log log);

  virtual Size size() const = 0;  // logical
  virtual Rotation rotation() const = 0;
  virtual bool headless() const = 0;
  virtual std::string_view driver_name() const = 0;

  // The loop backend that sleeps in this display's event queue.
  virtual LoopBackend& loop_backend() = 0;

  virtual void on_pointer(std::function<void(const PointerEvent&)> handler) = 0;
  virtual void on_key(std::function<void(const KeyEvent&)> handler) = 0;
  // The window's content was lost (exposed, resized) and must be drawn again.
  virtual void on_redraw_needed(std::function<void()> handler) = 0;
  // The window system asked the application to close (ignored by a locked-down kiosk).
  virtual void on_close_requested(std::function<void()> handler) = 0;
  // A sound output appeared (a USB headset plugged in), with its name. Outputs already there
  // when the handler is set are not reported (the platform lists those as "added" when its
  // audio starts): set it once the kiosk's own audio output is open.
  virtual void on_audio_output_added(std::function<void(const std::string& name)> handler) = 0;

  // Draw a frame: begin_frame(), draw on the canvas, present().
  virtual Canvas& begin_frame() = 0;
  virtual void present() = 0;
  virtual std::uint64_t frames_presented() const = 0;

  // Saves the next presented frame, as the panel shows it (rotated), to a PNG file.
  // `done` runs on the UI thread once it is written or has failed.
  virtual void request_screenshot(std::filesystem::path png,
                                  std::function<void(Expected<void>)> done) = 0;

  // Pushes a touch at a logical point through the platform's real input queue, as a touch
  // panel would deliver it (scripted demos, end-to-end tests).
  virtual void inject_touch(PointerEvent::Kind kind, Point logical) = 0;
  // Pushes typed text through the platform's real text-input queue, as a USB keyboard would.
  virtual void inject_text(std::string_view utf8) = 0;
  // Pushes the key that gives `kind` (not text) through the platform's real key queue.
  virtual void inject_key(KeyEvent::Kind kind, bool shift = false) = 0;
  // Pushes the platform's "audio device added" event for device `index` (an output, or a
  // microphone when `capture`) through its real event queue, as a hot-plugged headset does.
  virtual void inject_audio_device_added(int index, bool capture) = 0;
};

}  // namespace shubbak
