#include "kiosk/session/shell_states.hpp"

#include <array>

namespace shubbak {

namespace {

using S = ShellState;
using E = ShellEvent;

struct Transition {
  S from;
  E event;
  S to;
};

constexpr std::array k_transitions{
    Transition{S::attract, E::welcome, S::attract},
    Transition{S::attract, E::open_menu, S::menu},
    Transition{S::attract, E::start_service,
               S::in_service},  // a kiosk's one service, straight away
    Transition{S::attract, E::fault, S::out_of_service},
    Transition{S::attract, E::technician, S::technician},

    Transition{S::menu, E::welcome, S::attract},  // back, or left untouched
    Transition{S::menu, E::open_menu, S::menu},   // the offer changed under the menu
    Transition{S::menu, E::start_service, S::in_service},
    Transition{S::menu, E::fault, S::out_of_service},

    Transition{S::in_service, E::session_ended, S::attract},

    Transition{S::out_of_service, E::welcome, S::attract},
    Transition{S::out_of_service, E::fault, S::out_of_service},  // another reason
    Transition{S::out_of_service, E::technician, S::technician},

    Transition{S::technician, E::welcome, S::attract},
    Transition{S::technician, E::fault, S::out_of_service},
};

}  // namespace

std::optional<ShellState> next_state(ShellState from, ShellEvent event) {
  for (const Transition& t : k_transitions) {
    if (t.from == from && t.event == event) return t.to;
  }
  return std::nullopt;
}

std::string_view to_string(ShellState state) {
  switch (state) {
    case S::attract:
      return "attract";
    case S::menu:
      return "menu";
    case S::in_service:
      return "in_service";
    case S::out_of_service:
      return "out_of_service";
    case S::technician:
      return "technician";
  }
  return "?";
}

std::string_view to_string(ShellEvent event) {
  switch (event) {
    case E::welcome:
      return "welcome";
    case E::open_menu:
      return "open_menu";
    case E::start_service:
      return "start_service";
    case E::session_ended:
      return "session_ended";
    case E::fault:
      return "fault";
    case E::technician:
      return "technician";
  }
  return "?";
}

}  // namespace shubbak
