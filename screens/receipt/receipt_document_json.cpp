#include "screens/receipt/receipt_document_json.hpp"

#include <nlohmann/json.hpp>

namespace shubbak {

namespace {

using Json = nlohmann::json;

Json pairs(const std::vector<std::pair<std::string, std::string>>& list) {
  Json out = Json::array();
  for (const auto& [label, value] : list) out.push_back(Json::array({label, value}));
  return out;
}

std::vector<std::pair<std::string, std::string>> read_pairs(const Json& list) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : list)
    out.emplace_back(item.at(0).get<std::string>(), item.at(1).get<std::string>());
  return out;
}

}  // namespace

std::string to_json(const ReceiptDocument& d) {
  Json j = {{"language", std::string(to_string(d.language))},
            {"logo", d.logo},
            {"issuer", d.issuer},
            {"title", d.title},
            {"big_number", d.big_number},
            {"lines", pairs(d.lines)},
            {"total_label", d.total_label},
            {"total", d.total},
            {"details", pairs(d.details)},
            {"footer", d.footer},
            {"qr_text", d.qr_text},
            {"qr_caption", d.qr_caption}};
  return j.dump();
}

Expected<ReceiptDocument> receipt_document_from_json(std::string_view json) {
  Json j = Json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(Errc::invalid_argument, "a receipt document is not a JSON object");
  try {
    ReceiptDocument d;
    auto language = parse_language(j.value("language", std::string("ar")));
    if (!language)
      return fail(Errc::invalid_argument, "a receipt document has an unknown language");
    d.language = *language;
    d.logo = j.value("logo", std::string());
    d.issuer = j.value("issuer", std::string());
    d.title = j.value("title", std::string());
    d.big_number = j.value("big_number", std::string());
    if (j.contains("lines")) d.lines = read_pairs(j.at("lines"));
    d.total_label = j.value("total_label", std::string());
    d.total = j.value("total", std::string());
    if (j.contains("details")) d.details = read_pairs(j.at("details"));
    d.footer = j.value("footer", std::string());
    d.qr_text = j.value("qr_text", std::string());
    d.qr_caption = j.value("qr_caption", std::string());
    return d;
  } catch (const Json::exception& e) {
    return fail(Errc::invalid_argument,
                std::string("a receipt document is malformed: ") + e.what());
  }
}

}  // namespace shubbak
