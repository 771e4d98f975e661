#include "screens/receipt/receipt_renderer.hpp"

#include <algorithm>

#include "drivers/display/bitmap_canvas.hpp"
#include "screens/receipt/qr_code.hpp"

namespace shubbak {

namespace {

constexpr Color k_white{255, 255, 255};
constexpr Color k_black{0, 0, 0};

// A QR code's modules are whole dots (a scanner needs sharp, equal modules) and at least this
// many: 3 dots is 0.375 mm at 203 dpi, the smallest a phone camera reads off thermal paper.
constexpr int k_min_module_dots = 3;
constexpr int k_max_module_dots = 6;
constexpr int k_quiet_zone_modules = 4;  // ISO/IEC 18004's light margin on every side

// One block of the receipt, laid out, with where it goes.
struct Block {
  std::shared_ptr<const TextLayout> layout;
  Rect box;
  TextAlign align;
};

class ReceiptLayout {
 public:
  ReceiptLayout(TextEngine& text, int width, Language language)
      : m_text(text),
        m_width(width),
        m_margin(width / 24),
        m_direction(is_right_to_left(language) ? TextDirection::right_to_left
                                               : TextDirection::left_to_right),
        m_arabic(arabic_style(language)) {}

  Expected<void> paragraph(const std::string& s, int size, FontWeight weight, TextAlign align,
                           int gap_after = 6) {
    if (s.empty()) return {};
    auto layout = m_text.layout(s, {size, weight, m_arabic}, m_width - 2 * m_margin, m_direction);
    if (!layout) return std::unexpected(layout.error());
    m_blocks.push_back(
        {*layout, {m_margin, m_y, m_width - 2 * m_margin, (*layout)->height}, align});
    m_y += (*layout)->height + gap_after;
    return {};
  }

  // A label at the start edge and its value at the end edge, on one line when they fit.
  Expected<void> pair(const std::string& label, const std::string& value, int size,
                      FontWeight weight) {
    int inner = m_width - 2 * m_margin;
    auto l = m_text.layout(label, {size, FontWeight::regular, m_arabic}, inner, m_direction);
    auto v = m_text.layout(value, {size, weight, m_arabic}, inner, TextDirection::automatic);
    if (!l) return std::unexpected(l.error());
    if (!v) return std::unexpected(v.error());
    // The value goes to the document's end edge (left on an Arabic receipt), whatever its own
    // direction: "12345678" in an Arabic receipt is flush left, not over the label.
    TextAlign value_align = (*v)->right_to_left == (m_direction == TextDirection::right_to_left)
                                ? TextAlign::end
                                : TextAlign::start;
    if ((*l)->width + (*v)->width + m_margin <= inner) {
      int h = std::max((*l)->height, (*v)->height);
      m_blocks.push_back({*l, {m_margin, m_y, inner, h}, TextAlign::start});
      m_blocks.push_back({*v, {m_margin, m_y, inner, h}, value_align});
      m_y += h + 4;
      return {};
    }
    m_blocks.push_back({*l, {m_margin, m_y, inner, (*l)->height}, TextAlign::start});
    m_y += (*l)->height;
    m_blocks.push_back({*v, {m_margin, m_y, inner, (*v)->height}, value_align});
    m_y += (*v)->height + 4;
    return {};
  }

  // A QR code centered on the paper, with its quiet zone inside the space it takes. It takes at
  // most about three fifths of the paper's width, so a receipt stays short.
  Expected<void> qr(const std::string& text) {
    if (text.empty()) return {};
    auto matrix = encode_qr(text, QrErrorCorrection::medium);
    if (!matrix) return std::unexpected(matrix.error());
    int modules = matrix->size + 2 * k_quiet_zone_modules;
    int module = std::clamp(m_width * 3 / 5 / modules, k_min_module_dots, k_max_module_dots);
    if (modules * module > m_width)
      return fail(Errc::invalid_argument, "the QR code is too large for the paper");
    int side = modules * module;
    m_codes.push_back({std::move(*matrix), (m_width - side) / 2 + k_quiet_zone_modules * module,
                       m_y + k_quiet_zone_modules * module, module});
    m_y += side;
    return {};
  }

  // A picture already in dots (the logo), centered on the paper.
  void image(const MonoBitmap& dots) {
    int x = (m_width - dots.width) / 2, y = m_y;
    m_y += dots.height + 8;
    m_images.push_back({&dots, x, y});
  }

  void rule() {
    if (!m_rules.empty() && m_rules.back() == m_y - 8) return;  // nothing since the last rule
    m_rules.push_back(m_y + 4);
    m_y += 12;
  }
  void space(int dots) { m_y += dots; }

  MonoBitmap draw() {
    int height = m_y + m_margin;
    BitmapCanvas canvas({m_width, height});
    canvas.clear(k_white);
    for (int y : m_rules) canvas.fill_rect({m_margin, y, m_width - 2 * m_margin, 2}, k_black);
    for (const auto& b : m_blocks) m_text.draw(canvas, *b.layout, b.box, b.align, k_black);
    for (const auto& code : m_codes) {
      for (int y = 0; y < code.matrix.size; ++y) {
        for (int x = 0; x < code.matrix.size; ++x) {
          if (code.matrix.is_dark(x, y))
            canvas.fill_rect(
                {code.x + x * code.module, code.y + y * code.module, code.module, code.module},
                k_black);
        }
      }
    }
    MonoBitmap out{m_width, height, {}};
    out.bits.assign(static_cast<std::size_t>(out.stride() * height), 0);
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < m_width; ++x) {
        // Text is black on white: anything darker than mid-grey prints.
        std::uint32_t p = canvas.pixel(x, y);
        std::uint32_t luminance =
            (((p >> 16) & 0xFF) * 299 + ((p >> 8) & 0xFF) * 587 + (p & 0xFF) * 114) / 1000;
        if (luminance < 128)
          out.bits[static_cast<std::size_t>(y * out.stride() + x / 8)] |=
              static_cast<unsigned char>(0x80 >> (x % 8));
      }
    }
    for (const auto& placed : m_images) {
      for (int y = 0; y < placed.dots->height; ++y) {
        for (int x = 0; x < placed.dots->width; ++x) {
          if (!placed.dots->black(x, y)) continue;
          int ox = placed.x + x, oy = placed.y + y;
          out.bits[static_cast<std::size_t>(oy * out.stride() + ox / 8)] |=
              static_cast<unsigned char>(0x80 >> (ox % 8));
        }
      }
    }
    return out;
  }

 private:
  TextEngine& m_text;
  int m_width, m_margin;
  TextDirection m_direction;
  ArabicStyle m_arabic;
  int m_y = 12;
  std::vector<Block> m_blocks;
  std::vector<int> m_rules;
  struct PlacedCode {
    QrMatrix matrix;
    int x, y, module;  // top-left of the first module (inside the quiet zone), module size in dots
  };
  std::vector<PlacedCode> m_codes;
  struct PlacedImage {
    const MonoBitmap* dots;  // the caller's, alive while the receipt is rendered
    int x, y;
  };
  std::vector<PlacedImage> m_images;
};

}  // namespace

Expected<MonoBitmap> render_receipt(TextEngine& text, const ReceiptDocument& d, int width_dots,
                                    const MonoBitmap* logo) {
  if (width_dots < 200 || width_dots > 2400)
    return fail(Errc::invalid_argument, "receipt width out of range");
  // Sizes in dots scale with the paper: 576 dots (80 mm) gets 24-dot body text.
  auto size = [&](int at_576) { return std::max(12, at_576 * width_dots / 576); };
  ReceiptLayout r(text, width_dots, d.language);
  auto step = [](Expected<void> ok) { return ok.has_value(); };
  if (logo && logo->width <= width_dots) r.image(*logo);
  bool ok = step(r.paragraph(d.issuer, size(22), FontWeight::bold, TextAlign::center)) &&
            step(r.paragraph(d.title, size(30), FontWeight::bold, TextAlign::center, 10));
  if (ok && !d.big_number.empty())
    ok = step(r.paragraph(d.big_number, size(96), FontWeight::bold, TextAlign::center, 10));
  r.rule();
  for (const auto& [label, value] : d.lines)
    ok = ok && step(r.pair(label, value, size(24), FontWeight::regular));
  if (!d.total.empty()) {
    r.rule();
    ok = ok && step(r.pair(d.total_label, d.total, size(30), FontWeight::bold));
  }
  r.rule();
  for (const auto& [label, value] : d.details)
    ok = ok && step(r.pair(label, value, size(18), FontWeight::regular));
  if (!d.qr_text.empty()) {
    r.space(4);
    if (auto drawn = r.qr(d.qr_text); !drawn) return std::unexpected(drawn.error());
    ok = ok && step(r.paragraph(d.qr_caption, size(16), FontWeight::regular, TextAlign::center));
  }
  r.space(8);
  ok = ok && step(r.paragraph(d.footer, size(18), FontWeight::regular, TextAlign::center));
  if (!ok) return fail(Errc::internal, "receipt text could not be laid out");
  return r.draw();
}

}  // namespace shubbak
