// Value: type names, display form and equality.
#include "kiosk/workflow/expression/value.hpp"

namespace shubbak::workflow {

std::string_view to_string(Type type) {
  switch (type) {
    case Type::null:
      return "null";
    case Type::boolean:
      return "boolean";
    case Type::number:
      return "number";
    case Type::money:
      return "money";
    case Type::text:
      return "text";
    case Type::date:
      return "date";
    case Type::list:
      return "list";
  }
  return "unknown";
}

Type Value::type() const {
  // The variant's alternatives are in the order of Type.
  static constexpr Type k_types[] = {Type::null, Type::boolean, Type::number, Type::money,
                                     Type::text, Type::date,    Type::list};
  return k_types[data.index()];
}

std::string Value::to_display_string() const {
  switch (type()) {
    case Type::null:
      return "";
    case Type::boolean:
      return std::get<bool>(data) ? "true" : "false";
    case Type::number:
      return std::get<Decimal>(data).to_string();
    case Type::money: {
      const auto& money = std::get<Money>(data);
      auto amount = to_decimal_string(money);
      return (amount ? *amount : std::to_string(money.minor_units)) + " " + money.currency;
    }
    case Type::text:
      return std::get<std::string>(data);
    case Type::date:
      return to_iso_string(std::get<CivilDate>(data));
    case Type::list: {
      std::string joined;
      for (const auto& item : std::get<std::vector<std::string>>(data)) {
        if (!joined.empty()) joined += ", ";
        joined += item;
      }
      return joined;
    }
  }
  return "";
}

bool Value::operator==(const Value& other) const {
  return data == other.data;
}

}  // namespace shubbak::workflow
