// How the runtime shows itself (`display.mode`): its own header so the display driver takes it
// without the whole configuration.
#pragma once

namespace shubbak {

enum class DisplayMode {
  automatic,   // full screen when a display (X11, Wayland, KMSDRM) is there, else headless
  fullscreen,  // full screen, or fail
  window,      // a window of display.width x display.height (development)
  headless,    // no display: SDL's dummy driver and software renderer
};

}  // namespace shubbak
