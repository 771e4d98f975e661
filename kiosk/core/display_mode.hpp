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

// How frames are drawn (`display.renderer`). Software is the default because it is what this
// runtime measured cheaper on a kiosk without a GPU driver (tests/bench/vs_chromium: Mesa's
// llvmpipe OpenGL takes about half a second to start and some 45 MiB); a kiosk with a real GPU
// driver may choose accelerated.
enum class RendererChoice {
  software,     // SDL's software renderer, presented through shared memory
  accelerated,  // SDL's default accelerated renderer (OpenGL or GLES), vsync; software if none
};

}  // namespace shubbak
