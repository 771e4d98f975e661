// The citizen's session as a state machine: one state for what the session waits for, typed
// events, and one transition table. A session enters a state only through this table; device
// work starts on entering a state (citizen_session.cpp), never from drawing a screen.
//
//   state             waits for                                  entered on
//   asking            the citizen: info, menu, form, review      ask
//   choosing_payment  the citizen: card or a reference to pay    offer_methods
//   device_work       the card reader or the scanner             device_step
//   paying            the payment terminal                       pay
//   submitting        the store: the transaction's commit        submit
//   printing          the printer: a receipt or a queue ticket   print
//   collect_at_counter the citizen (end screen): a document the  print_failed
//                     printer could not print waits at the counter; "try again" offered
//   ended             the citizen (end screen), or its timer     end
//   wiped             nothing: the session is gone               wipe
//
// What the table forbids is the point: nothing wipes a session while money or a commit is in
// flight (paying, submitting, printing), nothing pays once the transaction is stored, and no
// device step follows a payment. `fail` is the one way out of any state but wiped: it comes
// only when no device work is in flight (right after a result moved the workflow).
#pragma once

#include <optional>
#include <string_view>

namespace shubbak {

enum class SessionState {
  asking,
  choosing_payment,
  device_work,
  paying,
  submitting,
  printing,
  collect_at_counter,
  ended,
  wiped,
};

enum class SessionEvent {
  ask,            // the workflow stands on a step that waits for the citizen
  offer_methods,  // a payment step that offers more than one way to pay
  device_step,    // read_id_card or scan_code
  pay,            // a payment step, by the terminal (or the way chosen)
  submit,         // the submit step
  print,          // print_receipt or queue_ticket
  print_failed,   // the printer could not print: journaled, it waits at the counter
  end,            // the workflow's end step
  retry_print,    // the citizen's "try printing again"
  reprinted,      // that retry printed: nothing waits at the counter any more
  wipe,           // the session is over (finished or timed out): wipe it
  fail,  // the workflow led where this table forbids: end it, give back what was not stored
};

std::string_view to_string(SessionState state);
std::string_view to_string(SessionEvent event);

// The state `event` leads to from `from`; nullopt when the table does not allow it.
std::optional<SessionState> next_state(SessionState from, SessionEvent event);

}  // namespace shubbak
