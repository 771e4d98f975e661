// Expression::check: the static types of an expression, given the declared field types. It
// refuses, before any citizen sees the form, what the evaluator would refuse at run time.
#include <fmt/format.h>

#include "kiosk/workflow/expression/functions.hpp"
#include "kiosk/workflow/expression/node.hpp"
#include "kiosk/workflow/expression/type_rules.hpp"

namespace shubbak::workflow {

std::unexpected<Error> at_column(const Node& node, const Error& error) {
  return fail(error.code, fmt::format("column {}: {}", node.column, error.message));
}

Expected<void> check_arity(const Node& call, const FunctionSpec& spec) {
  auto count = static_cast<int>(call.children.size());
  if (count >= spec.min_arguments && count <= spec.max_arguments) return {};
  auto plural = [](int n) { return n == 1 ? "argument" : "arguments"; };
  std::string wanted;
  if (spec.max_arguments == 0) {
    wanted = "no arguments";
  } else if (spec.min_arguments == spec.max_arguments) {
    wanted = fmt::format("{} {}", spec.min_arguments, plural(spec.min_arguments));
  } else if (spec.max_arguments == k_any_count) {
    wanted = fmt::format("at least {} {}", spec.min_arguments, plural(spec.min_arguments));
  } else {
    wanted = fmt::format("{} to {} arguments", spec.min_arguments, spec.max_arguments);
  }
  return fail(Errc::invalid_argument,
              fmt::format("{}() needs {}, not {}", call.name, wanted, count));
}

namespace {

class Checker {
 public:
  explicit Checker(const FieldTypes& fields) : m_fields(fields) {}

  Expected<TypeInfo> check(const Node& node) {
    switch (node.kind) {
      case Node::Kind::literal:
        return type_of(node.literal);
      case Node::Kind::field:
        return field(node);
      case Node::Kind::unary: {
        auto operand = check(*node.children[0]);
        if (!operand) return operand;
        auto result = unary_type(node.op, *operand);
        if (!result) return at_column(node, result.error());
        return result;
      }
      case Node::Kind::binary: {
        auto left = check(*node.children[0]);
        if (!left) return left;
        auto right = check(*node.children[1]);
        if (!right) return right;
        auto result = binary_type(node.op, *left, *right);
        if (!result) return at_column(node, result.error());
        return result;
      }
      case Node::Kind::call:
        return call(node);
    }
    return fail(Errc::internal, "unknown node");
  }

 private:
  Expected<TypeInfo> field(const Node& node) {
    auto found = m_fields.find(node.name);
    if (found == m_fields.end()) {
      return at_column(node,
                       Error{Errc::invalid_argument, fmt::format("unknown field ${}", node.name)});
    }
    const FieldType& declared = found->second;
    if (declared.type == Type::money && !currency_exponent(declared.currency)) {
      return at_column(node, Error{Errc::invalid_argument,
                                   fmt::format("field ${} is money in an unknown currency \"{}\"",
                                               node.name, declared.currency)});
    }
    return TypeInfo{declared.type, declared.type == Type::money ? declared.currency : ""};
  }

  Expected<TypeInfo> call(const Node& node) {
    const FunctionSpec* spec = find_function(node.name);
    if (spec == nullptr)
      return at_column(node, Error{Errc::invalid_argument, "unknown function " + node.name + "()"});
    if (auto ok = check_arity(node, *spec); !ok) return at_column(node, ok.error());
    std::vector<TypeInfo> arguments;
    for (const auto& child : node.children) {
      auto argument = check(*child);
      if (!argument) return argument;
      arguments.push_back(std::move(*argument));
    }
    auto result = spec->check(node, arguments);
    if (!result) return at_column(node, result.error());
    return result;
  }

  const FieldTypes& m_fields;
};

}  // namespace

Expected<Type> Expression::check(const FieldTypes& fields) const {
  auto result = Checker(fields).check(*m_root);
  if (!result) return std::unexpected(result.error());
  return result->type;
}

Expected<FieldType> Expression::check_typed(const FieldTypes& fields) const {
  auto result = Checker(fields).check(*m_root);
  if (!result) return std::unexpected(result.error());
  return FieldType{result->type, result->currency};
}

namespace {
void collect_currencies(const Node& node, std::vector<std::string>& out) {
  if (node.kind == Node::Kind::call && node.name == "money" && node.children.size() == 2 &&
      node.children[1]->is_text_literal()) {
    out.push_back(std::get<std::string>(node.children[1]->literal.data));
  }
  for (const auto& child : node.children) collect_currencies(*child, out);
}
}  // namespace

std::vector<std::string> Expression::money_currencies() const {
  std::vector<std::string> out;
  collect_currencies(*m_root, out);
  return out;
}

}  // namespace shubbak::workflow
