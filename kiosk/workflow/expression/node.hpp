// The syntax tree of an expression (internal to the module). Built once by the parser, then
// only read: by the checker, the evaluator and the functions that inspect literal arguments.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/pattern.hpp"
#include "kiosk/workflow/expression/expression.hpp"

namespace shubbak::workflow {

enum class Operator {
  negate,
  logical_not,
  multiply,
  divide,
  add,
  subtract,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  logical_and,
  logical_or,
};

// How the operator is written: "-", "not", "*", ...
std::string_view symbol(Operator op);

struct Expression::Node {
  enum class Kind { literal, field, unary, binary, call };

  Kind kind = Kind::literal;
  int column = 1;    // where it starts, 1-based, counted in characters (code points)
  Value literal;     // Kind::literal
  std::string name;  // Kind::field (without '$') and Kind::call (the function)
  Operator op{};     // Kind::unary and Kind::binary
  std::vector<std::unique_ptr<const Node>> children;  // operands or arguments, in order
  // matches() with a literal pattern that compiles: compiled once, by the parser.
  std::shared_ptr<const Pattern> pattern;

  bool is_text_literal() const { return kind == Kind::literal && literal.type() == Type::text; }
};

using Node = Expression::Node;

// The error with "column N: " of the node in front of its message.
std::unexpected<Error> at_column(const Node& node, const Error& error);

}  // namespace shubbak::workflow
