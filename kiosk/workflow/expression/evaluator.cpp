// Expression::evaluate: a tree walk over immutable nodes. Every node visit spends a step, so
// evaluation is bounded; `and`, `or` and if() evaluate only what decides the result.
#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "kiosk/workflow/expression/functions.hpp"
#include "kiosk/workflow/expression/node.hpp"
#include "kiosk/workflow/expression/regex_match.hpp"
#include "kiosk/workflow/expression/type_rules.hpp"

namespace shubbak::workflow {

namespace {

// Runtime errors carry the column of the node that failed; limits (Errc::cancelled) do not.
std::unexpected<Error> located(const Node& node, const Error& error) {
  if (error.code == Errc::cancelled) return std::unexpected(error);
  return at_column(node, error);
}

bool is_true(const Value& value) {
  return value.type() == Type::boolean && std::get<bool>(value.data);
}

int compare_values(const Value& left, const Value& right) {
  auto three_way = [](const auto& a, const auto& b) { return a < b ? -1 : (a > b ? 1 : 0); };
  switch (left.type()) {
    case Type::number:
      return std::get<Decimal>(left.data).compare(std::get<Decimal>(right.data));
    case Type::money:
      return three_way(std::get<Money>(left.data).minor_units,
                       std::get<Money>(right.data).minor_units);
    case Type::text:
      return three_way(std::get<std::string>(left.data), std::get<std::string>(right.data));
    case Type::date:
      return three_way(std::get<CivilDate>(left.data), std::get<CivilDate>(right.data));
    case Type::boolean:
      return three_way(std::get<bool>(left.data), std::get<bool>(right.data));
    case Type::list:
      return left == right ? 0 : 1;
    case Type::null:
      return 0;
  }
  return 0;
}

// The rules for null: "=" is true only when both sides are null, "!=" is its negation, and an
// ordering with a null side is false, like an unanswered question in ODK.
Value compare(Operator op, const Value& left, const Value& right) {
  if (left.is_null() || right.is_null()) {
    bool both = left.is_null() && right.is_null();
    if (op == Operator::equal) return Value{both};
    if (op == Operator::not_equal) return Value{!both};
    return Value{false};
  }
  int order = compare_values(left, right);
  switch (op) {
    case Operator::equal:
      return Value{order == 0};
    case Operator::not_equal:
      return Value{order != 0};
    case Operator::less:
      return Value{order < 0};
    case Operator::less_equal:
      return Value{order <= 0};
    case Operator::greater:
      return Value{order > 0};
    default:
      return Value{order >= 0};
  }
}

Expected<Value> number_arithmetic(Operator op, const Decimal& left, const Decimal& right) {
  Expected<Decimal> result = op == Operator::add        ? left.add(right)
                             : op == Operator::subtract ? left.subtract(right)
                             : op == Operator::multiply ? left.multiply(right)
                                                        : left.divide(right);
  if (!result) return std::unexpected(result.error());
  return Value{*result};
}

Expected<Value> money_arithmetic(Operator op, const Value& left, const Value& right) {
  if (left.type() == Type::money && right.type() == Type::money) {
    const auto& a = std::get<Money>(left.data);
    const auto& b = std::get<Money>(right.data);
    std::int64_t sum = 0;
    bool overflow = op == Operator::add
                        ? __builtin_add_overflow(a.minor_units, b.minor_units, &sum)
                        : __builtin_sub_overflow(a.minor_units, b.minor_units, &sum);
    if (overflow) return fail(Errc::invalid_argument, "money overflow: the result is too large");
    return Value{Money{sum, a.currency}};
  }
  // Money times or divided by a number: exact, then rounded half-even once, to minor units.
  bool money_left = left.type() == Type::money;
  const auto& money = std::get<Money>((money_left ? left : right).data);
  const auto& factor = std::get<Decimal>((money_left ? right : left).data);
  Decimal minor = Decimal::integer(money.minor_units);
  Expected<Decimal> result =
      op == Operator::multiply ? minor.multiply(factor) : minor.divide(factor, 0);
  if (result) result = result->rounded(0);
  if (!result && factor.units() != 0)
    return fail(Errc::invalid_argument, "money overflow: the result is too large");
  if (!result) return std::unexpected(result.error());
  return Value{Money{result->units(), money.currency}};
}

class Evaluator {
 public:
  Evaluator(const FieldValues& fields, EvaluationBudget& budget)
      : m_fields(fields), m_budget(budget) {}

  Expected<Value> evaluate(const Node& node) {
    if (auto ok = m_budget.spend(1); !ok) return std::unexpected(ok.error());
    switch (node.kind) {
      case Node::Kind::literal:
        return node.literal;
      case Node::Kind::field:
        return field(node);
      case Node::Kind::unary:
        return unary(node);
      case Node::Kind::binary:
        return binary(node);
      case Node::Kind::call:
        return call(node);
    }
    return fail(Errc::internal, "unknown node");
  }

 private:
  Expected<Value> field(const Node& node) {
    auto found = m_fields.find(node.name);
    if (found == m_fields.end()) return Value{};
    if (found->second.type() == Type::text) {
      auto ok = m_budget.check_text_size(std::get<std::string>(found->second.data).size());
      if (!ok) return std::unexpected(ok.error());
    }
    if (found->second.type() == Type::list) {
      std::size_t items = std::get<std::vector<std::string>>(found->second.data).size();
      if (items > m_budget.limits().max_list_items) {
        return fail(Errc::cancelled, fmt::format("a list of {} items exceeds the limit of {} items",
                                                 items, m_budget.limits().max_list_items));
      }
      // The list is copied: one step per few items.
      if (auto ok = m_budget.spend(list_read_steps(items)); !ok) return std::unexpected(ok.error());
    }
    return found->second;
  }

  Expected<Value> unary(const Node& node) {
    auto operand = evaluate(*node.children[0]);
    if (!operand) return operand;
    if (auto type = unary_type(node.op, type_of(*operand)); !type)
      return located(node, type.error());
    if (node.op == Operator::logical_not) return Value{!is_true(*operand)};
    if (operand->is_null()) return operand;
    if (operand->type() == Type::money) {
      Money money = std::get<Money>(operand->data);
      if (money.minor_units == std::numeric_limits<std::int64_t>::min()) {
        return located(node,
                       Error{Errc::invalid_argument, "money overflow: the result is too large"});
      }
      money.minor_units = -money.minor_units;
      return Value{money};
    }
    const auto& number = std::get<Decimal>(operand->data);
    auto negated = Decimal(0, number.scale()).subtract(number);
    if (!negated) return located(node, negated.error());
    return Value{*negated};
  }

  Expected<Value> binary(const Node& node) {
    auto left = evaluate(*node.children[0]);
    if (!left) return left;
    if (node.op == Operator::logical_and || node.op == Operator::logical_or)
      return logical(node, *left);
    auto right = evaluate(*node.children[1]);
    if (!right) return right;
    auto type = binary_type(node.op, type_of(*left), type_of(*right));
    if (!type) return located(node, type.error());
    if (is_comparison(node.op)) return compare(node.op, *left, *right);
    if (left->is_null() || right->is_null()) return Value{};
    Expected<Value> result = left->type() == Type::number && right->type() == Type::number
                                 ? number_arithmetic(node.op, std::get<Decimal>(left->data),
                                                     std::get<Decimal>(right->data))
                                 : money_arithmetic(node.op, *left, *right);
    if (!result) return located(node, result.error());
    return result;
  }

  // Short-circuit; null counts as false.
  Expected<Value> logical(const Node& node, const Value& left) {
    TypeInfo boolean{Type::boolean, ""};
    if (auto type = binary_type(node.op, type_of(left), boolean); !type)
      return located(node, type.error());
    bool decided = node.op == Operator::logical_and ? !is_true(left) : is_true(left);
    if (decided) return Value{node.op == Operator::logical_or};
    auto right = evaluate(*node.children[1]);
    if (!right) return right;
    if (auto type = binary_type(node.op, boolean, type_of(*right)); !type)
      return located(node, type.error());
    return Value{is_true(*right)};
  }

  Expected<Value> call(const Node& node) {
    const FunctionSpec* spec = find_function(node.name);
    if (spec == nullptr) return fail(Errc::internal, "unknown function " + node.name);
    if (auto ok = check_arity(node, *spec); !ok) return located(node, ok.error());
    if (spec->body == nullptr) return choose(node, *spec);
    std::vector<Value> arguments;
    std::vector<TypeInfo> types;
    bool any_null = false;
    for (const auto& child : node.children) {
      auto argument = evaluate(*child);
      if (!argument) return argument;
      any_null = any_null || argument->is_null();
      types.push_back(type_of(*argument));
      arguments.push_back(std::move(*argument));
    }
    // The same type rule as the checker, on the actual values: a bundle evaluated without a
    // check, or an answer of the wrong type, is refused the same way.
    if (auto type = spec->check(node, types); !type) return located(node, type.error());
    if (spec->null_in_null_out && any_null) return Value{};
    m_budget.set_call(&node);
    auto result = spec->body(arguments, m_budget);
    if (!result) return located(node, result.error());
    return result;
  }

  // if(condition, then, otherwise): only the branch taken is evaluated; a null condition is false.
  Expected<Value> choose(const Node& node, const FunctionSpec& spec) {
    auto condition = evaluate(*node.children[0]);
    if (!condition) return condition;
    std::vector<TypeInfo> types{type_of(*condition), TypeInfo{}, TypeInfo{}};
    if (auto type = spec.check(node, types); !type) return located(node, type.error());
    return evaluate(*node.children[is_true(*condition) ? 1 : 2]);
  }

  const FieldValues& m_fields;
  EvaluationBudget& m_budget;
};

}  // namespace

Expected<Value> Expression::evaluate(const FieldValues& fields, const CivilDate& today,
                                     const EvaluationLimits& limits, WorkBudget* shared) const {
  EvaluationBudget budget(today, limits, shared);
  return Evaluator(fields, budget).evaluate(*m_root);
}

namespace {

// What evaluating `node` can spend, following the evaluator's accounting: one step per node,
// and for a call what its body may spend on text (at most max_text_bytes), on a list (at most
// max_list_items) and on a pattern. `largest` is the largest single spend seen.
std::int64_t bound(const Node& node, const EvaluationLimits& limits, const FieldTypes* types,
                   std::int64_t& largest) {
  std::int64_t total = 1;
  if (node.kind == Node::Kind::field) {
    // A list read costs by its size; without the declared types, any field may be a list.
    auto declared = types ? types->find(node.name) : FieldTypes::const_iterator{};
    if (!types || declared == types->end() || declared->second.type == Type::list) {
      std::int64_t list = list_read_steps(limits.max_list_items);
      largest = std::max(largest, list);
      total += list;
    }
  }
  for (const auto& child : node.children) total += bound(*child, limits, types, largest);
  if (node.kind == Node::Kind::call) {
    std::int64_t text = 1 + static_cast<std::int64_t>(limits.max_text_bytes / 64);
    std::int64_t list = 1 + static_cast<std::int64_t>(limits.max_list_items / 16);
    std::int64_t body = std::max(text, list);
    if (node.name == "contains")
      body = contains_steps(limits.max_text_bytes, limits.max_text_bytes);
    if (node.pattern) {
      std::int64_t match = match_steps(node.pattern->program_size(), limits.max_text_bytes);
      largest = std::max(largest, match);
      body += match;
    }
    largest = std::max(largest, body);
    total += body;
  }
  return total;
}

}  // namespace

std::int64_t Expression::cost_bound(const EvaluationLimits& limits, const FieldTypes* types) const {
  std::int64_t largest = 1;
  std::int64_t tree = bound(*m_root, limits, types, largest);
  // The evaluation stops at the first spend that passes max_steps.
  return std::min(tree, static_cast<std::int64_t>(limits.max_steps) + largest);
}

}  // namespace shubbak::workflow
