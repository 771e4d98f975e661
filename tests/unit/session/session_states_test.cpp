// Every (state, event) pair of the citizen's session, the legal ones and the refused ones.
#include <doctest/doctest.h>

#include <map>
#include <utility>

#include "kiosk/session/session_states.hpp"

using namespace shubbak;
using S = SessionState;
using E = SessionEvent;

namespace {

constexpr S k_states[] = {S::asking,     S::choosing_payment, S::device_work,        S::paying,
                          S::submitting, S::printing,         S::collect_at_counter, S::ended,
                          S::wiped};
constexpr E k_events[] = {E::ask,         E::offer_methods, E::device_step,  E::pay,
                          E::submit,      E::print,         E::print_failed, E::end,
                          E::retry_print, E::reprinted,     E::wipe,         E::fail};

// The specification, written out independently of the table it checks.
const std::map<std::pair<S, E>, S>& legal() {
  static const std::map<std::pair<S, E>, S> table = [] {
    std::map<std::pair<S, E>, S> t;
    for (S from : {S::asking, S::device_work}) {
      t[{from, E::ask}] = S::asking;
      t[{from, E::offer_methods}] = S::choosing_payment;
      t[{from, E::device_step}] = S::device_work;
      t[{from, E::pay}] = S::paying;
      t[{from, E::submit}] = S::submitting;
      t[{from, E::end}] = S::ended;
      t[{from, E::wipe}] = S::wiped;
    }
    t[{S::choosing_payment, E::ask}] = S::asking;
    t[{S::choosing_payment, E::pay}] = S::paying;
    t[{S::choosing_payment, E::submit}] = S::submitting;
    t[{S::choosing_payment, E::end}] = S::ended;
    t[{S::choosing_payment, E::wipe}] = S::wiped;
    t[{S::paying, E::ask}] = S::asking;
    t[{S::paying, E::offer_methods}] = S::choosing_payment;
    t[{S::paying, E::pay}] = S::paying;
    t[{S::paying, E::submit}] = S::submitting;
    t[{S::paying, E::end}] = S::ended;
    t[{S::submitting, E::ask}] = S::asking;
    t[{S::submitting, E::print}] = S::printing;
    t[{S::submitting, E::end}] = S::ended;
    t[{S::printing, E::ask}] = S::asking;
    t[{S::printing, E::print}] = S::printing;
    t[{S::printing, E::print_failed}] = S::collect_at_counter;
    t[{S::printing, E::end}] = S::ended;
    t[{S::collect_at_counter, E::ask}] = S::collect_at_counter;
    t[{S::collect_at_counter, E::print}] = S::printing;
    t[{S::collect_at_counter, E::end}] = S::collect_at_counter;
    t[{S::collect_at_counter, E::retry_print}] = S::collect_at_counter;
    t[{S::collect_at_counter, E::reprinted}] = S::ended;
    t[{S::collect_at_counter, E::wipe}] = S::wiped;
    t[{S::ended, E::end}] = S::ended;
    t[{S::ended, E::wipe}] = S::wiped;
    for (S from : k_states) {
      if (from != S::wiped) t[{from, E::fail}] = S::wiped;
    }
    return t;
  }();
  return table;
}

}  // namespace

TEST_CASE(
    "every session transition: the legal ones lead where the specification says, the rest are "
    "refused") {
  int allowed = 0, refused = 0;
  for (S from : k_states) {
    for (E event : k_events) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(event));
      auto expected = legal().find({from, event});
      auto got = next_state(from, event);
      if (expected == legal().end()) {
        CHECK_FALSE(got.has_value());
        ++refused;
      } else {
        REQUIRE(got.has_value());
        CHECK(*got == expected->second);
        ++allowed;
      }
    }
  }
  CHECK(allowed == static_cast<int>(legal().size()));
  CHECK(allowed + refused == 9 * 12);
}

TEST_CASE("money is never left mid-flight: no wipe while paying, submitting or printing") {
  for (S busy : {S::paying, S::submitting, S::printing}) {
    CAPTURE(to_string(busy));
    CHECK_FALSE(next_state(busy, E::wipe).has_value());
    CHECK_FALSE(next_state(busy, E::device_step).has_value());
  }
}

TEST_CASE("nothing is paid or submitted again once the transaction is stored") {
  for (S stored : {S::submitting, S::printing, S::collect_at_counter, S::ended}) {
    CAPTURE(to_string(stored));
    CHECK_FALSE(next_state(stored, E::pay).has_value());
    CHECK_FALSE(next_state(stored, E::submit).has_value());
    CHECK_FALSE(next_state(stored, E::offer_methods).has_value());
  }
}

TEST_CASE("a wiped session takes no event at all") {
  for (E event : k_events) {
    CAPTURE(to_string(event));
    CHECK_FALSE(next_state(S::wiped, event).has_value());
  }
}

TEST_CASE("only a document waiting at the counter can be printed again") {
  for (S from : k_states) {
    CAPTURE(to_string(from));
    CHECK(next_state(from, E::retry_print).has_value() == (from == S::collect_at_counter));
    CHECK(next_state(from, E::reprinted).has_value() == (from == S::collect_at_counter));
    CHECK(next_state(from, E::print_failed).has_value() == (from == S::printing));
  }
}
