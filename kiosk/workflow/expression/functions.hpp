// The function library of the expression language (internal to the module). Each function
// has a type rule, used by the checker on declared types and again by the evaluator on the
// actual argument values, and an implementation. Specified in kiosk/workflow/EXPRESSIONS.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kiosk/workflow/expression/node.hpp"
#include "kiosk/workflow/expression/type_rules.hpp"

namespace shubbak::workflow {

// What one evaluation may still spend; shared by the evaluator and the functions.
class EvaluationBudget {
 public:
  EvaluationBudget(const CivilDate& today, const EvaluationLimits& limits, WorkBudget* shared)
      : m_today(today), m_limits(limits), m_shared(shared) {}

  const CivilDate& today() const { return m_today; }
  const EvaluationLimits& limits() const { return m_limits; }
  // Errc::cancelled once more than limits().max_steps have been spent, or the shared budget is.
  Expected<void> spend(std::int64_t steps);
  // Text work costs one step per 64 bytes read, so long texts cannot buy unbounded work.
  Expected<void> spend_on_text(std::size_t bytes) {
    return spend(1 + static_cast<std::int64_t>(bytes / 64));
  }
  // Errc::cancelled when a text would exceed limits().max_text_bytes.
  Expected<void> check_text_size(std::size_t bytes) const;

  // The call being evaluated, for functions that use what the parser prepared on it
  // (matches() and its compiled pattern). Set by the evaluator before each function body.
  const Node* call() const { return m_call; }
  void set_call(const Node* call) { m_call = call; }

 private:
  const CivilDate& m_today;
  const EvaluationLimits& m_limits;
  WorkBudget* m_shared;
  std::int64_t m_steps = 0;
  const Node* m_call = nullptr;
};

// What contains() charges: (text / 64 + 1) x (part / 64 + 1).
constexpr std::int64_t contains_steps(std::size_t text_bytes, std::size_t part_bytes) {
  return (1 + static_cast<std::int64_t>(text_bytes / 64)) *
         (1 + static_cast<std::int64_t>(part_bytes / 64));
}

// What reading a list of `items` answers from a field charges (it is copied).
constexpr std::int64_t list_read_steps(std::size_t items) {
  return 1 + static_cast<std::int64_t>(items / 4);
}

using FunctionCheck = Expected<TypeInfo> (*)(const Node& call, std::span<const TypeInfo> arguments);
using FunctionBody = Expected<Value> (*)(std::span<const Value> arguments,
                                         EvaluationBudget& budget);

struct FunctionSpec {
  std::string_view name;
  int min_arguments = 0;
  int max_arguments = 0;  // k_any_count: no upper bound (other than the node limit)
  FunctionCheck check = nullptr;
  FunctionBody body = nullptr;  // nullptr for if(): the evaluator evaluates only the branch taken
  // When true, a null argument makes the result null without running the body.
  bool null_in_null_out = true;
};

constexpr int k_any_count = 1000;

const FunctionSpec* find_function(std::string_view name);
// "if() needs 3 arguments, not 2" unless the call has an argument count the function accepts.
Expected<void> check_arity(const Node& call, const FunctionSpec& spec);

// The groups of the library, one file each.
std::span<const FunctionSpec> control_functions();  // if, coalesce
std::span<const FunctionSpec> text_functions();     // concat, len, trim, upper, lower, ...
std::span<const FunctionSpec> number_functions();   // number, round, min, max, abs, money, amount
std::span<const FunctionSpec> date_functions();     // today, date, add_days, ...
std::span<const FunctionSpec> list_functions();     // selected, count, check_digit

// Helpers for the type rules. Messages name the function and the argument:
// "len() needs text as argument 1, not number".
Expected<void> require_argument(const Node& call, std::span<const TypeInfo> arguments,
                                std::size_t index, std::initializer_list<Type> allowed);
// The text of argument `index` when it is written as a string literal, else nullptr.
const std::string* text_literal(const Node& call, std::size_t index);
// The common type of several arguments (null joins anything), or an error naming them.
Expected<TypeInfo> unify(const Node& call, std::span<const TypeInfo> arguments, std::size_t first);
// A whole-number argument within [low, high], or Errc::invalid_argument naming the function.
Expected<std::int64_t> whole_number(std::string_view function, const Value& value, std::int64_t low,
                                    std::int64_t high);
std::unexpected<Error> runtime_error(std::string_view function, std::string_view message);

}  // namespace shubbak::workflow
