#include "drivers/card/sim/simulated_card.hpp"

#include <algorithm>
#include <string_view>

#include "drivers/card/apdu.hpp"

namespace shubbak {

namespace {

void append_tlv(Bytes& out, std::uint32_t tag, ByteView value) {
  if (tag > 0xFF) out.push_back(static_cast<std::uint8_t>(tag >> 8));
  out.push_back(static_cast<std::uint8_t>(tag & 0xFF));
  if (value.size() > 0xFF) {
    out.push_back(0x82);
    out.push_back(static_cast<std::uint8_t>(value.size() >> 8));
  } else if (value.size() > 0x7F) {
    out.push_back(0x81);
  }
  out.push_back(static_cast<std::uint8_t>(value.size() & 0xFF));
  out.insert(out.end(), value.begin(), value.end());
}

void append_tlv(Bytes& out, std::uint32_t tag, std::string_view text) {
  append_tlv(out, tag, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace

SimulatedCard::SimulatedCard(Bytes atr, Bytes uid, std::vector<SimulatedApplication> applications,
                             SimulatedCardBehaviour behaviour)
    : m_atr(std::move(atr)),
      m_uid(std::move(uid)),
      m_applications(std::move(applications)),
      m_behaviour(behaviour) {}

Bytes SimulatedCard::demo_atr_t1() {
  // TS, T0 (TD1, 6 historical bytes), TD1 = T=1 with TD2, TD2 = T=1 with TA3 and TB3,
  // TA3 = IFSC 12 (small, so commands are chained), TB3 = BWI 4 / CWI 5, historical, TCK.
  Bytes atr{0x3B, 0x86, 0x81, 0x31, 0x0C, 0x45, 'S', 'H', 'B', 'K', 'I', 'D'};
  std::uint8_t tck = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) tck ^= atr[i];
  atr.push_back(tck);
  return atr;
}

Bytes SimulatedCard::demo_atr_t0() {
  // TS, T0 (TA1, TC1, 6 historical), TA1 = 11, TC1 = 00; T=0 only, so no TCK.
  return Bytes{0x3B, 0x56, 0x11, 0x00, 'S', 'H', 'B', 'K', 'I', 'D'};
}

SimulatedCard SimulatedCard::demo_id_card(SimulatedCardBehaviour behaviour) {
  Bytes personal_inner;
  append_tlv(personal_inner, 0xC1, std::string_view("9861031234"));
  append_tlv(personal_inner, 0xC2, std::string_view("أحمد بن سالم البلوشي"));
  append_tlv(personal_inner, 0x5F20, std::string_view("AHMED BIN SALIM AL BALUSHI"));
  append_tlv(personal_inner, 0x5F2B, ByteView(Bytes{0x19, 0x86, 0x03, 0x14}));
  // A photo-sized filler makes the EF longer than one short READ BINARY.
  Bytes filler(300, 0xA5);
  append_tlv(personal_inner, 0xDF01, ByteView(filler));
  Bytes personal;
  append_tlv(personal, 0x61, ByteView(personal_inner));

  std::string_view validity = "2031052020210521";  // expiry, then issue date (YYYYMMDD)
  Bytes extra;
  Bytes extra_inner;
  append_tlv(extra_inner, 0xC6, std::string_view("OMN"));
  append_tlv(extra, 0x70, ByteView(extra_inner));

  SimulatedApplication id_application{
      Bytes{0xF0, 'S', 'H', 'U', 'B', 'B', 'A', 'K', 'I', 'D'},
      {SimulatedFile{0x0101, 1, personal, {}},
       SimulatedFile{0x0102, 2, Bytes(validity.begin(), validity.end()), {}},
       SimulatedFile{0x0103, 3, {}, {extra}}}};
  return SimulatedCard(demo_atr_t1(), Bytes{0x04, 0xA2, 0x3B, 0x7C, 0x11, 0x52, 0x80},
                       {std::move(id_application)}, behaviour);
}

void SimulatedCard::reset() {
  m_application = nullptr;
  m_file = nullptr;
  secure_wipe(m_pending);
}

Bytes SimulatedCard::answer(ByteView data, std::uint16_t sw) {
  Bytes out(data.begin(), data.end());
  out.push_back(static_cast<std::uint8_t>(sw >> 8));
  out.push_back(static_cast<std::uint8_t>(sw & 0xFF));
  return out;
}

Bytes SimulatedCard::process(ByteView bytes) {
  ++m_commands_seen;
  auto command = parse_command_apdu(bytes);
  if (!command) return answer({}, 0x6700);
  const CommandApdu& c = *command;
  if (c.cla == 0xFF && c.ins == 0xCA) {
    if (c.p1 != 0x00 || c.p2 != 0x00) return answer({}, 0x6A81);
    return answer(m_uid, 0x9000);
  }
  if ((c.cla & 0xF0) != 0x00) return answer({}, 0x6E00);
  switch (c.ins) {
    case 0xA4:
      return select(c.p1, c.p2, c.data, c.le);
    case 0xB0:
      return read_binary(c.p1, c.p2, c.le.value_or(0));
    case 0xB2:
      return read_record(c.p1, c.p2, c.le.value_or(0));
    case 0xC0: {
      if (m_pending.empty()) return answer({}, 0x6985);
      std::uint32_t le = c.le.value_or(k_max_short_le);
      if (le < m_pending.size()) {
        Bytes part(m_pending.begin(), m_pending.begin() + le);
        m_pending.erase(m_pending.begin(), m_pending.begin() + le);
        std::size_t left = m_pending.size();
        return answer(part, static_cast<std::uint16_t>(0x6100 | (left > 255 ? 0 : left)));
      }
      Bytes all = std::move(m_pending);
      m_pending.clear();
      return answer(all, 0x9000);
    }
    default:
      return answer({}, 0x6D00);
  }
}

Bytes SimulatedCard::select(std::uint8_t p1, std::uint8_t p2, const Bytes& data,
                            std::optional<std::uint32_t> le) {
  Bytes fci;
  if (p1 == 0x04) {
    auto it = std::find_if(m_applications.begin(), m_applications.end(),
                           [&](const SimulatedApplication& a) { return a.aid == data; });
    if (it == m_applications.end()) return answer({}, 0x6A82);
    m_application = &*it;
    m_file = nullptr;
    Bytes inner{0x84, static_cast<std::uint8_t>(it->aid.size())};
    inner.insert(inner.end(), it->aid.begin(), it->aid.end());
    fci = {0x6F, static_cast<std::uint8_t>(inner.size())};
    fci.insert(fci.end(), inner.begin(), inner.end());
  } else if (p1 == 0x00 || p1 == 0x02) {
    if (m_application == nullptr || data.size() != 2) return answer({}, 0x6A82);
    std::uint16_t fid = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
    auto it = std::find_if(m_application->files.begin(), m_application->files.end(),
                           [&](const SimulatedFile& f) { return f.fid == fid; });
    if (it == m_application->files.end()) return answer({}, 0x6A82);
    m_file = &*it;
    fci = {0x62, 0x04, 0x83, 0x02, data[0], data[1]};
  } else {
    return answer({}, 0x6A86);
  }
  if ((p2 & 0x0C) == 0x0C) return answer({}, 0x9000);  // no FCI wanted
  // Without Le (a T=0 case 4 sent as case 3) the FCI can only come through GET RESPONSE.
  if (m_behaviour.select_answers_61xx || !le) {
    m_pending = fci;
    return answer({}, static_cast<std::uint16_t>(0x6100 | fci.size()));
  }
  return answer(fci, 0x9000);
}

Bytes SimulatedCard::read_binary(std::uint8_t p1, std::uint8_t p2, std::uint32_t le) {
  std::size_t offset = 0;
  if (p1 & 0x80) {
    std::uint8_t sfi = p1 & 0x1F;
    if (m_application == nullptr) return answer({}, 0x6986);
    auto it = std::find_if(m_application->files.begin(), m_application->files.end(),
                           [&](const SimulatedFile& f) { return f.sfi == sfi; });
    if (it == m_application->files.end()) return answer({}, 0x6A82);
    m_file = &*it;
    offset = p2;
  } else {
    offset = static_cast<std::size_t>(((p1 & 0x7F) << 8) | p2);
  }
  if (m_file == nullptr) return answer({}, 0x6986);
  if (!m_file->records.empty()) return answer({}, 0x6981);
  const Bytes& content = m_file->content;
  if (offset > content.size()) return answer({}, 0x6B00);
  std::size_t available = content.size() - offset;
  if (le == 0) return answer({}, 0x6700);
  if (m_behaviour.exact_le_required && available < le && available < 256) {
    return answer({}, static_cast<std::uint16_t>(0x6C00 | available));
  }
  std::size_t count = std::min<std::size_t>(le, available);
  auto begin = content.begin() + static_cast<std::ptrdiff_t>(offset);
  Bytes part(begin, begin + static_cast<std::ptrdiff_t>(count));
  return answer(part, count < le ? 0x6282 : 0x9000);
}

Bytes SimulatedCard::read_record(std::uint8_t p1, std::uint8_t p2, std::uint32_t le) {
  if (m_application == nullptr) return answer({}, 0x6986);
  if ((p2 & 0x07) != 0x04) return answer({}, 0x6A86);  // only "record number P1"
  std::uint8_t sfi = p2 >> 3;
  const SimulatedFile* file = m_file;
  if (sfi != 0) {
    auto it = std::find_if(m_application->files.begin(), m_application->files.end(),
                           [&](const SimulatedFile& f) { return f.sfi == sfi; });
    file = it == m_application->files.end() ? nullptr : &*it;
  }
  if (file == nullptr) return answer({}, 0x6A82);
  if (file->records.empty()) return answer({}, 0x6981);
  if (p1 == 0 || p1 > file->records.size()) return answer({}, 0x6A83);
  const Bytes& record = file->records[p1 - 1];
  if (le == 0) return answer({}, 0x6700);
  if (m_behaviour.exact_le_required && le != record.size() && le != k_max_short_le) {
    return answer({}, static_cast<std::uint16_t>(0x6C00 | record.size()));
  }
  return answer(ByteView(record).first(std::min<std::size_t>(le, record.size())), 0x9000);
}

}  // namespace shubbak
