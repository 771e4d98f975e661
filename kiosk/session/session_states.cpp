#include "kiosk/session/session_states.hpp"

#include <array>

namespace shubbak {

namespace {

using S = SessionState;
using E = SessionEvent;

struct Transition {
  S from;
  E event;
  S to;
};

// The whole session on one screen. Anything not listed is refused.
constexpr std::array k_transitions{
    // The citizen is answering: the workflow may lead anywhere, or the citizen may leave.
    Transition{S::asking, E::ask, S::asking},
    Transition{S::asking, E::offer_methods, S::choosing_payment},
    Transition{S::asking, E::device_step, S::device_work},
    Transition{S::asking, E::pay, S::paying},
    Transition{S::asking, E::submit, S::submitting},
    Transition{S::asking, E::end, S::ended},
    Transition{S::asking, E::wipe, S::wiped},
    // Choosing how to pay: by card, or a reference to pay elsewhere (stored at once).
    Transition{S::choosing_payment, E::ask, S::asking},
    Transition{S::choosing_payment, E::pay, S::paying},
    Transition{S::choosing_payment, E::submit, S::submitting},
    Transition{S::choosing_payment, E::end, S::ended},
    Transition{S::choosing_payment, E::wipe, S::wiped},
    // A card read or a scan: its outcome routes the workflow on.
    Transition{S::device_work, E::ask, S::asking},
    Transition{S::device_work, E::offer_methods, S::choosing_payment},
    Transition{S::device_work, E::device_step, S::device_work},
    Transition{S::device_work, E::pay, S::paying},
    Transition{S::device_work, E::submit, S::submitting},
    Transition{S::device_work, E::end, S::ended},
    Transition{S::device_work, E::wipe, S::wiped},
    // Money is moving: only the terminal's answer moves the session (approved, declined and
    // asked again, or ended). Never wiped here: the answer must be heard first.
    Transition{S::paying, E::ask, S::asking},
    Transition{S::paying, E::offer_methods, S::choosing_payment},
    Transition{S::paying, E::pay, S::paying},
    Transition{S::paying, E::submit, S::submitting},
    Transition{S::paying, E::end, S::ended},
    // The commit: after it nothing can be paid or submitted again.
    Transition{S::submitting, E::ask, S::asking},
    Transition{S::submitting, E::print, S::printing},
    Transition{S::submitting, E::end, S::ended},
    // Printing the stored transaction's documents.
    Transition{S::printing, E::ask, S::asking},
    Transition{S::printing, E::print, S::printing},
    Transition{S::printing, E::print_failed, S::collect_at_counter},
    Transition{S::printing, E::end, S::ended},
    // A document waits at the counter; the end screen says so and offers to try again.
    Transition{S::collect_at_counter, E::ask, S::collect_at_counter},
    Transition{S::collect_at_counter, E::print, S::printing},
    Transition{S::collect_at_counter, E::end, S::collect_at_counter},
    Transition{S::collect_at_counter, E::retry_print, S::collect_at_counter},
    Transition{S::collect_at_counter, E::reprinted, S::ended},
    Transition{S::collect_at_counter, E::wipe, S::wiped},
    // The end screen, then the wipe.
    Transition{S::ended, E::end, S::ended},
    Transition{S::ended, E::wipe, S::wiped},
};

}  // namespace

std::optional<SessionState> next_state(SessionState from, SessionEvent event) {
  if (event == E::fail) return from == S::wiped ? std::nullopt : std::optional(S::wiped);
  for (const Transition& t : k_transitions) {
    if (t.from == from && t.event == event) return t.to;
  }
  return std::nullopt;
}

std::string_view to_string(SessionState state) {
  switch (state) {
    case S::asking:
      return "asking";
    case S::choosing_payment:
      return "choosing_payment";
    case S::device_work:
      return "device_work";
    case S::paying:
      return "paying";
    case S::submitting:
      return "submitting";
    case S::printing:
      return "printing";
    case S::collect_at_counter:
      return "collect_at_counter";
    case S::ended:
      return "ended";
    case S::wiped:
      return "wiped";
  }
  return "?";
}

std::string_view to_string(SessionEvent event) {
  switch (event) {
    case E::ask:
      return "ask";
    case E::offer_methods:
      return "offer_methods";
    case E::device_step:
      return "device_step";
    case E::pay:
      return "pay";
    case E::submit:
      return "submit";
    case E::print:
      return "print";
    case E::print_failed:
      return "print_failed";
    case E::end:
      return "end";
    case E::retry_print:
      return "retry_print";
    case E::reprinted:
      return "reprinted";
    case E::wipe:
      return "wipe";
    case E::fail:
      return "fail";
  }
  return "?";
}

}  // namespace shubbak
