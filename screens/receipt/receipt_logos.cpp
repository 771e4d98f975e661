#include "screens/receipt/receipt_logos.hpp"

#include "kiosk/image/grey_image.hpp"
#include "screens/receipt/dither.hpp"

namespace shubbak {

const MonoBitmap* ReceiptLogos::dots(const std::string& path, int paper_width) {
  if (path.empty()) return nullptr;
  auto key = std::make_pair(path, paper_width);
  auto found = m_cache.find(key);
  if (found == m_cache.end()) {
    auto grey = read_grey_png(path);
    found =
        m_cache.emplace(key, grey ? dither_to_dots(*grey, paper_width / 3) : MonoBitmap{}).first;
  }
  return found->second.width > 0 ? &found->second : nullptr;
}

}  // namespace shubbak
