// Runs one citizen's session through a service bundle: an explicit state machine whose states
// are the bundle's steps. It holds the session's answers in memory only; the runner hands the
// transaction draft to the store at `submit`, and drops the engine (and with it every answer)
// when the session ends.
//
// The engine knows step kinds, not widgets or devices: the runner shows the current step,
// performs device steps on workers, and reports their outcome back. UI thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/workflow/bundle.hpp"
#include "kiosk/workflow/bundle_limits.hpp"

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

struct EngineOptions {
  // Expression work allowed per citizen action (entering a step, one answer, one "continue").
  std::int64_t work_steps_per_action = k_work_steps_per_action;
};

// Every expression the engine evaluates for one citizen action spends from one WorkBudget: the
// action that would spend more stops the session (stopped(), and the "stopped" end step with a
// generic message), so no bundle can stall the UI thread. What a screen shows (visible fields,
// required marks, offered choices, the amount to pay) is computed once per action and kept, so
// a screen that asks for it several times costs nothing more.
//
// Fail closed: a bound (min/max) or constraint that cannot be evaluated refuses the answer; a
// required-when that cannot be evaluated makes the field required; a choice filter that cannot
// be evaluated hides the choice.
class WorkflowEngine {
 public:
  WorkflowEngine(std::shared_ptr<const Bundle> bundle, CivilDate today, EngineOptions options = {});

  const Bundle& bundle() const { return *m_bundle; }
  const Step& step() const { return *m_step; }
  bool finished() const { return m_step->kind == StepKind::end; }
  const FieldValues& answers() const { return m_answers; }
  const std::optional<Payment>& payment() const { return m_payment; }
  bool submitted() const { return m_submitted; }
  const std::vector<std::string>& history() const { return m_history; }

  // Where the citizen is in the service, for "step 2 of 5": the number of the current step
  // among the steps that wait for the citizen (as visited, back undoes one), and that number
  // plus the steps still ahead on the likely path (a menu's chosen or first option, a device
  // step's success). The total can change when a choice leads elsewhere. nullopt on a step that
  // does not wait for the citizen (submit, print, the end).
  struct Progress {
    int number = 0;
    int total = 0;
  };
  std::optional<Progress> progress() const;

  // The current form's or review's fields that are relevant now, in order.
  std::vector<const Field*> visible_fields() const { return m_visible; }
  // The choices of `field` offered now (their filters hold).
  std::vector<const Choice*> offered_choices(const Field& field) const;
  bool is_required(const Field& field) const;

  // Why the engine stopped the session, precisely, for the log; nullopt while it runs.
  const std::optional<Error>& stopped() const { return m_stopped; }
  // Expression steps the last action spent (benchmarks, diagnostics).
  std::int64_t last_action_work() const { return m_work.spent(); }

  // The display form of a field's answer: `display` when the caller formats for a screen, else
  // the engine's own (a choice's label, Value::to_display_string()).
  using Display = std::function<std::string(const Field&, const Value&)>;
  // `text` in `language` with its {field} placeholders filled in (FORMAT.md, Text).
  std::string text(const Text& text, Language language, const Display& display = {}) const;

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

  // The amount the current payment step asks for (evaluated once, when the step is entered).
  Expected<Money> payment_amount() const;
  TransactionDraft transaction_draft() const;
  // Evaluates an expression of the bundle (receipt lines) against the answers.
  Expected<Value> evaluate(const Expression& expression) const;

 private:
  // A new citizen action: a fresh work budget.
  void begin_action() const { m_work.restart(m_options.work_steps_per_action); }
  // Evaluates with the action's budget; when the budget is spent, stops the session.
  Expected<Value> run(const Expression& expression, std::string_view what) const;
  void stop(Error why) const;
  void enter(const std::string& step_id);
  void assign(std::string_view field, Value value);
  void recalculate();
  // What the current step shows: visible fields, required marks, offered choices.
  void refresh();
  // true, false, or nullopt when the condition cannot be evaluated.
  std::optional<bool> condition(const std::optional<Expression>& expression, bool when_absent,
                                std::string_view what) const;
  std::vector<const Choice*> compute_offered(const Field& field) const;
  std::optional<FieldIssue> validate(const Field& field) const;
  // Whether the record this session would store now is one the store accepts.
  Expected<void> record_acceptable() const;
  const Step& end_step(EndResult result) const;
  const Step& stopped_step() const;

  std::shared_ptr<const Bundle> m_bundle;
  CivilDate m_today;
  EngineOptions m_options;
  mutable WorkBudget m_work{0};
  mutable std::optional<Error> m_stopped;
  mutable const Step* m_step = nullptr;
  std::vector<const Field*> m_visible;
  std::map<std::string, bool, std::less<>> m_required;
  std::map<std::string, std::vector<const Choice*>, std::less<>> m_offered;
  std::optional<Expected<Money>> m_amount;
  FieldValues m_answers;
  std::vector<std::string> m_history;  // interactive steps visited, for back
  std::optional<Payment> m_payment;
  bool m_submitted = false;
  mutable std::optional<Step> m_synthetic_end;  // when a cancel finds no end step of its kind
  mutable std::optional<Step> m_stopped_end;
};

}  // namespace shubbak::workflow
