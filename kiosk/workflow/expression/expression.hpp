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
  int regex_time_limit_ms = 50;  // per matches() call
};

class Expression {
 public:
  // Syntax errors: Errc::parse, "column N: what was expected". Refuses sources over 2000 bytes,
  // more than 500 nodes or nesting deeper than 32.
  static Expected<Expression> parse(std::string_view source);

  // The result type given the fields' types; Errc::invalid_argument naming the problem
  // ("unknown field $x", "'+' cannot add money in OMR and JOD", "if() needs 3 arguments").
  Expected<Type> check(const FieldTypes& fields) const;

  // Evaluates against the answers so far (a missing or unanswered field is null). Errors:
  // Errc::invalid_argument for a runtime type problem, Errc::cancelled when a limit is hit.
  Expected<Value> evaluate(const FieldValues& fields, const CivilDate& today,
                           const EvaluationLimits& limits = {}) const;

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
