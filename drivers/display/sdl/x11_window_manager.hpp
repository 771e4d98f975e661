// Whether an X11 window manager runs on the display of an SDL window. Without one, asking X11
// for full screen makes SDL wait 100 ms for an answer nobody sends; a borderless window at 0,0
// of the screen's size covers the panel at once.
#pragma once

#include <optional>

#include <SDL.h>

namespace shubbak::sdl {

// True or false on X11 (an EWMH window manager announces itself on the root window); nullopt
// for any other video driver (Wayland, KMSDRM), where the question does not arise.
std::optional<bool> x11_window_manager_running(SDL_Window* window);

}  // namespace shubbak::sdl
