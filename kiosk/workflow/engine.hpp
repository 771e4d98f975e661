// Runs one citizen's session through a service bundle: an explicit state machine whose states
// are the bundle's steps. It holds the session's answers in memory only; the runner hands the
// transaction draft to the store at `submit`, and drops the engine (and with it every answer)
// when the session ends.
//
// The engine knows step kinds, not widgets or devices: the runner shows the current step,
// performs device steps on workers, and reports their outcome back. UI thread only.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/workflow/bundle.hpp"

namespace shubbak::workflow {

// Why an answer is refused; the screen shows the bundle's own message for `constraint`, else
// the kiosk's message for the kind.
struct FieldIssue {
  enum class Kind { required, invalid, pattern, check_digit, constraint, too_small, too_large };
  std::string field;
  Kind kind;
  std::optional<Text> message;  // the bundle's constraint_message
};

struct Payment {
  Money amount;
  std::string method;     // "terminal" or "reference"
  std::string reference;  // the terminal's reference, or the payment reference to pay elsewhere
  std::string masked_card;
};

// What `submit` stores: the answers the bundle lists in `record`, and the payment.
struct TransactionDraft {
  std::string service_id;
  std::string service_version;
  std::optional<Payment> payment;
  std::vector<std::pair<std::string, std::string>> fields;  // name, display value
};

class WorkflowEngine {
 public:
  WorkflowEngine(std::shared_ptr<const Bundle> bundle, CivilDate today);

  const Bundle& bundle() const { return *m_bundle; }
  const Step& step() const { return *m_step; }
  bool finished() const { return m_step->kind == StepKind::end; }
  const FieldValues& answers() const { return m_answers; }
  const std::optional<Payment>& payment() const { return m_payment; }
  bool submitted() const { return m_submitted; }
  const std::vector<std::string>& history() const { return m_history; }

  // The current form's or review's fields that are relevant now, in order.
  std::vector<const Field*> visible_fields() const;
  // The choices of `field` offered now (their filters hold).
  std::vector<const Choice*> offered_choices(const Field& field) const;
  bool is_required(const Field& field) const;

  // Sets an answer from what the citizen typed or picked; an answer that does not parse for the
  // field's type (a date, a number) is refused with Kind::invalid.
  std::optional<FieldIssue> set_answer(std::string_view field, std::string_view text);
  void set_value(std::string_view field, Value value);

  // info, review: go on. form: go on when every visible field is valid, else the issues.
  std::vector<FieldIssue> next();
  // menu: choose an option (also sets the menu's field).
  bool choose(std::string_view option_value);
  // Device steps and submit: their outcome, with data (card fields, the scanned code, the
  // payment's reference and masked card, the transaction id).
  void device_finished(Outcome outcome, const std::map<std::string, std::string>& data = {});
  // Back to the previous interactive step, answers kept. Refused once paid or submitted.
  bool back();
  // The session ends as cancelled (the runner asks the citizen first).
  void cancel();

  // The amount the current payment step asks for.
  Expected<Money> payment_amount() const;
  TransactionDraft transaction_draft() const;
  // Evaluates an expression of the bundle (receipt lines) against the answers.
  Expected<Value> evaluate(const Expression& expression) const;

 private:
  void enter(const std::string& step_id);
  void recalculate();
  bool holds(const std::optional<Expression>& condition, bool when_absent) const;
  std::optional<FieldIssue> validate(const Field& field) const;
  const Step& end_step(EndResult result) const;

  std::shared_ptr<const Bundle> m_bundle;
  CivilDate m_today;
  const Step* m_step = nullptr;
  FieldValues m_answers;
  std::vector<std::string> m_history;  // interactive steps visited, for back
  std::optional<Payment> m_payment;
  bool m_submitted = false;
  mutable std::optional<Step> m_synthetic_end;  // when a cancel finds no end step of its kind
};

}  // namespace shubbak::workflow
