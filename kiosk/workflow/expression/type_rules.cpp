#include "kiosk/workflow/expression/type_rules.hpp"

#include <fmt/format.h>

namespace shubbak::workflow {
namespace {

bool same_currency(const TypeInfo& left, const TypeInfo& right) {
  return left.currency == right.currency;
}

std::unexpected<Error> refuse(Operator op, std::string_view verb, const TypeInfo& left,
                              const TypeInfo& right) {
  return fail(Errc::invalid_argument, fmt::format("'{}' cannot {} {} and {}", symbol(op), verb,
                                                  describe(left), describe(right)));
}

}  // namespace

TypeInfo type_of(const Value& value) {
  TypeInfo info{value.type(), ""};
  if (info.type == Type::money) info.currency = std::get<Money>(value.data).currency;
  return info;
}

std::string describe(const TypeInfo& type) {
  if (type.type == Type::money) return "money in " + type.currency;
  return std::string(to_string(type.type));
}

bool is_comparison(Operator op) {
  return op == Operator::equal || op == Operator::not_equal || op == Operator::less ||
         op == Operator::less_equal || op == Operator::greater || op == Operator::greater_equal;
}

Expected<TypeInfo> unary_type(Operator op, const TypeInfo& operand) {
  if (op == Operator::logical_not) {
    if (operand.type == Type::boolean || operand.type == Type::null)
      return TypeInfo{Type::boolean, ""};
    return fail(Errc::invalid_argument,
                fmt::format("'not' needs a boolean, not {}", describe(operand)));
  }
  if (operand.type == Type::number || operand.type == Type::money || operand.type == Type::null)
    return operand;
  return fail(Errc::invalid_argument,
              fmt::format("unary '-' needs a number or money, not {}", describe(operand)));
}

Expected<TypeInfo> binary_type(Operator op, const TypeInfo& left, const TypeInfo& right) {
  Type l = left.type;
  Type r = right.type;
  bool any_null = l == Type::null || r == Type::null;
  switch (op) {
    case Operator::logical_and:
    case Operator::logical_or:
      if ((l == Type::boolean || l == Type::null) && (r == Type::boolean || r == Type::null)) {
        return TypeInfo{Type::boolean, ""};
      }
      return fail(Errc::invalid_argument, fmt::format("'{}' needs booleans, not {} and {}",
                                                      symbol(op), describe(left), describe(right)));
    case Operator::add:
    case Operator::subtract: {
      std::string_view verb = op == Operator::add ? "add" : "subtract";
      if (l == Type::text || r == Type::text) {
        if (op == Operator::add) {
          return fail(Errc::invalid_argument, "'+' does not join text: use concat()");
        }
        return refuse(op, verb, left, right);
      }
      if (any_null) {
        TypeInfo other = l == Type::null ? right : left;
        if (other.type == Type::null || other.type == Type::number || other.type == Type::money)
          return other;
        return refuse(op, verb, left, right);
      }
      if (l == Type::number && r == Type::number) return left;
      if (l == Type::money && r == Type::money && same_currency(left, right)) return left;
      return refuse(op, verb, left, right);
    }
    case Operator::multiply: {
      if (any_null) {
        TypeInfo other = l == Type::null ? right : left;
        if (other.type == Type::null || other.type == Type::number || other.type == Type::money)
          return other;
        return refuse(op, "multiply", left, right);
      }
      if (l == Type::number && r == Type::number) return left;
      if (l == Type::money && r == Type::number) return left;
      if (l == Type::number && r == Type::money) return right;
      return refuse(op, "multiply", left, right);
    }
    case Operator::divide: {
      if (any_null) {
        if ((l == Type::null || l == Type::number || l == Type::money) &&
            (r == Type::null || r == Type::number)) {
          return l == Type::null ? (r == Type::null ? left : right) : left;
        }
        return refuse(op, "divide", left, right);
      }
      if (l == Type::number && r == Type::number) return left;
      if (l == Type::money && r == Type::number) return left;
      return refuse(op, "divide", left, right);
    }
    case Operator::equal:
    case Operator::not_equal:
    case Operator::less:
    case Operator::less_equal:
    case Operator::greater:
    case Operator::greater_equal: {
      TypeInfo boolean{Type::boolean, ""};
      bool ordering = op != Operator::equal && op != Operator::not_equal;
      if (any_null) {
        // null compares with anything: "$x = null" asks whether $x is unanswered.
        TypeInfo other = l == Type::null ? right : left;
        if (ordering && (other.type == Type::boolean || other.type == Type::list)) {
          return refuse(op, "order", left, right);
        }
        return boolean;
      }
      if (l != r || (l == Type::money && !same_currency(left, right)))
        return refuse(op, "compare", left, right);
      if (ordering && (l == Type::boolean || l == Type::list))
        return refuse(op, "order", left, right);
      return boolean;
    }
    case Operator::negate:
    case Operator::logical_not:
      break;
  }
  return fail(Errc::internal, "not a binary operator");
}

}  // namespace shubbak::workflow
