// The kiosk's shell as a state machine: what the screen offers between citizens, one
// transition table, typed events. KioskShell changes state only through it.
//
//   state           shows                                       entered on
//   attract         the attract loop: services, language        welcome
//   menu            the services a citizen may start now        open_menu
//   in_service      one citizen's session (session_states.hpp)  start_service
//   out_of_service  why, in both languages                      fault
//   technician      technician mode, behind the PIN             technician
//
// A citizen mid-session is never interrupted: no fault, catalog or technician event leaves
// in_service; the shell looks again when the session ends.
#pragma once

#include <optional>
#include <string_view>

namespace shubbak {

enum class ShellState { attract, menu, in_service, out_of_service, technician };

enum class ShellEvent {
  welcome,        // nothing stops the kiosk: the attract screen (again, for the next citizen)
  open_menu,      // a citizen touched the attract screen
  start_service,  // a citizen picked an offered service
  session_ended,  // the citizen's session was wiped
  fault,          // nothing can be offered (a device, the store, no services, held by a technician)
  technician,     // the hidden gesture
};

std::string_view to_string(ShellState state);
std::string_view to_string(ShellEvent event);

// The state `event` leads to from `from`; nullopt when the table does not allow it.
std::optional<ShellState> next_state(ShellState from, ShellEvent event);

}  // namespace shubbak
