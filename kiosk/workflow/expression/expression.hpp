// The workflow expression language: small, typed, side-effect free, bounded. Used by bundles
// for relevant (skip logic), constraint, calculate, default and choice_filter. The grammar and
// functions are specified in kiosk/workflow/EXPRESSIONS.md.
//
//   $age >= 18 and matches($phone, "^9[0-9]{7}$")
//   if($urgent, $fee * 2, $fee)
//   years_between($birth_date, today()) >= 18
//
// Threading: an Expression is immutable after parse(); evaluate() may run on any thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/workflow/expression/value.hpp"

namespace shubbak::workflow {

// What the checker knows of a field: its type and, for money, its currency.
struct FieldType {
  Type type = Type::null;
  std::string currency;  // money only
};

using FieldTypes = std::map<std::string, FieldType, std::less<>>;
using FieldValues = std::map<std::string, Value, std::less<>>;

struct EvaluationLimits {
  int max_steps = 10000;  // nodes visited, function calls included
  std::size_t max_text_bytes = 4096;
  std::size_t max_list_items = 500;  // selected options of a multi-choice answer
};

// Work allowed across many evaluations: everything one screen or one keystroke evaluates
// (visibility, choice filters, constraints, bounds, calculations, patterns). Each evaluation
// given it spends its steps from it as well as from its own EvaluationLimits; once it is spent,
// every further evaluation stops with Errc::cancelled. Not thread-safe: one per UI action.
class WorkBudget {
 public:
  explicit WorkBudget(std::int64_t limit) : m_limit(limit) {}

  // Errc::cancelled once more than limit() steps have been spent in all.
  Expected<void> spend(std::int64_t steps);
  std::int64_t spent() const { return m_spent; }
  std::int64_t limit() const { return m_limit; }
  bool exhausted() const { return m_spent > m_limit; }
  // A new window of `limit` steps (the next screen or keystroke).
  void restart(std::int64_t limit) {
    m_limit = limit;
    m_spent = 0;
  }

 private:
  std::int64_t m_limit;
  std::int64_t m_spent = 0;
};

class Expression {
 public:
  // Syntax errors: Errc::parse, "column N: what was expected". Refuses sources over 2000 bytes,
  // more than 500 nodes or nesting deeper than 32.
  static Expected<Expression> parse(std::string_view source);

  // The result type given the fields' types; Errc::invalid_argument naming the problem
  // ("unknown field $x", "'+' cannot add money in OMR and JOD", "if() needs 3 arguments").
  Expected<Type> check(const FieldTypes& fields) const;
  // The same, with the currency of a money result.
  Expected<FieldType> check_typed(const FieldTypes& fields) const;
  // The currencies its money() calls name, in order.
  std::vector<std::string> money_currencies() const;

  // Evaluates against the answers so far (a missing or unanswered field is null). Errors:
  // Errc::invalid_argument for a runtime type problem, Errc::cancelled when a limit is hit.
  // With `shared`, the steps are also spent from it (see WorkBudget).
  Expected<Value> evaluate(const FieldValues& fields, const CivilDate& today,
                           const EvaluationLimits& limits = {}, WorkBudget* shared = nullptr) const;

  // The most steps one evaluate() with `limits` can spend, whatever the answers: what a
  // bundle's checks add up per screen to refuse one that could stall the kiosk.
  // With the declared `types`, the bound is tighter (only list fields pay for list reads).
  std::int64_t cost_bound(const EvaluationLimits& limits = {},
                          const FieldTypes* types = nullptr) const;

  // The fields it reads ("$name" references), each once, in order of first use.
  const std::vector<std::string>& references() const { return m_references; }
  const std::string& source() const { return m_source; }

  struct Node;

 private:
  Expression(std::string source, std::shared_ptr<const Node> root,
             std::vector<std::string> references)
      : m_source(std::move(source)), m_root(std::move(root)), m_references(std::move(references)) {}

  std::string m_source;
  std::shared_ptr<const Node> m_root;
  std::vector<std::string> m_references;
};

}  // namespace shubbak::workflow
