// Every (state, event) pair of the shell, the legal ones and the refused ones.
#include <doctest/doctest.h>

#include <map>
#include <utility>

#include "kiosk/session/shell_states.hpp"

using namespace shubbak;
using S = ShellState;
using E = ShellEvent;

TEST_CASE(
    "every shell transition: the legal ones lead where the specification says, the rest are "
    "refused") {
  const std::map<std::pair<S, E>, S> legal{
      {{S::attract, E::welcome}, S::attract},
      {{S::attract, E::open_menu}, S::menu},
      {{S::attract, E::start_service}, S::in_service},
      {{S::attract, E::fault}, S::out_of_service},
      {{S::attract, E::technician}, S::technician},
      {{S::menu, E::welcome}, S::attract},
      {{S::menu, E::open_menu}, S::menu},
      {{S::menu, E::start_service}, S::in_service},
      {{S::menu, E::fault}, S::out_of_service},
      {{S::in_service, E::session_ended}, S::attract},
      {{S::out_of_service, E::welcome}, S::attract},
      {{S::out_of_service, E::fault}, S::out_of_service},
      {{S::out_of_service, E::technician}, S::technician},
      {{S::technician, E::welcome}, S::attract},
      {{S::technician, E::fault}, S::out_of_service},
  };
  int checked = 0;
  for (S from : {S::attract, S::menu, S::in_service, S::out_of_service, S::technician}) {
    for (E event :
         {E::welcome, E::open_menu, E::start_service, E::session_ended, E::fault, E::technician}) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(event));
      auto expected = legal.find({from, event});
      auto got = next_state(from, event);
      if (expected == legal.end()) {
        CHECK_FALSE(got.has_value());
      } else {
        REQUIRE(got.has_value());
        CHECK(*got == expected->second);
      }
      ++checked;
    }
  }
  CHECK(checked == 30);
}

TEST_CASE(
    "a citizen mid-session is never interrupted: only the session's own end leaves in_service") {
  for (E event : {E::welcome, E::open_menu, E::start_service, E::fault, E::technician}) {
    CAPTURE(to_string(event));
    CHECK_FALSE(next_state(S::in_service, event).has_value());
  }
  CHECK(next_state(S::in_service, E::session_ended) == S::attract);
}

TEST_CASE("no service starts on a kiosk that is out of service or in technician mode") {
  CHECK_FALSE(next_state(S::out_of_service, E::start_service).has_value());
  CHECK_FALSE(next_state(S::out_of_service, E::open_menu).has_value());
  CHECK_FALSE(next_state(S::technician, E::start_service).has_value());
  CHECK_FALSE(next_state(S::technician, E::open_menu).has_value());
}
