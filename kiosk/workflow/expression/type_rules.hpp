// The typing rules of the operators, shared by the checker (on declared field types) and the
// evaluator (on the types of actual values), so both refuse the same things with the same words.
#pragma once

#include <string>

#include "kiosk/workflow/expression/node.hpp"

namespace shubbak::workflow {

struct TypeInfo {
  Type type = Type::null;
  std::string currency;  // money only
};

TypeInfo type_of(const Value& value);
// "number", "money in OMR", "null"
std::string describe(const TypeInfo& type);

// The operand types an operator accepts and the type it yields; Errc::invalid_argument naming
// the operator and the operand types otherwise. A null operand is accepted everywhere.
Expected<TypeInfo> unary_type(Operator op, const TypeInfo& operand);
Expected<TypeInfo> binary_type(Operator op, const TypeInfo& left, const TypeInfo& right);

bool is_comparison(Operator op);

}  // namespace shubbak::workflow
