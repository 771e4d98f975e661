// The only file in Shubbak that includes Xlib: SDL_syswm.h hands over the X11 connection.
#include "drivers/display/sdl/x11_window_manager.hpp"

#include <SDL_syswm.h>

#if defined(SDL_VIDEO_DRIVER_X11)
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#endif

namespace shubbak::sdl {

#if defined(SDL_VIDEO_DRIVER_X11)
namespace {

// A stale check window (its manager gone) answers BadWindow; Xlib's default handler would exit.
int ignore_x11_error(Display*, XErrorEvent*) {
  return 0;
}

// The window _NET_SUPPORTING_WM_CHECK on `window` names, if any.
std::optional<Window> check_window(Display* display, Window window, Atom check) {
  Atom type = None;
  int format = 0;
  unsigned long items = 0, after = 0;
  unsigned char* data = nullptr;
  int status = XGetWindowProperty(display, window, check, 0, 1, False, XA_WINDOW, &type, &format,
                                  &items, &after, &data);
  std::optional<Window> named;
  if (status == Success && type == XA_WINDOW && format == 32 && items == 1 && data) {
    named = *reinterpret_cast<Window*>(data);
  }
  if (data) XFree(data);
  return named;
}

}  // namespace
#endif

std::optional<bool> x11_window_manager_running(SDL_Window* window) {
#if defined(SDL_VIDEO_DRIVER_X11)
  SDL_SysWMinfo info;
  SDL_VERSION(&info.version);
  if (!SDL_GetWindowWMInfo(window, &info) || info.subsystem != SDL_SYSWM_X11) return std::nullopt;
  Display* display = info.info.x11.display;
  Atom check = XInternAtom(display, "_NET_SUPPORTING_WM_CHECK", True);
  if (check == None) return false;  // no client ever named it: no EWMH manager ever ran
  XSync(display, False);
  auto previous = XSetErrorHandler(ignore_x11_error);
  // EWMH: the root names a child window that names itself; a leftover root property whose window
  // is gone means the manager died.
  auto child = check_window(display, DefaultRootWindow(display), check);
  bool running = child && check_window(display, *child, check) == child;
  XSync(display, False);
  XSetErrorHandler(previous);
  return running;
#else
  (void)window;
  return std::nullopt;
#endif
}

}  // namespace shubbak::sdl
