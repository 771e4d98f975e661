#include "drivers/display/sdl/sdl_mask_atlas.hpp"

#include <vector>

namespace shubbak::sdl {

namespace {
constexpr int k_padding = 1;  // keeps linear filtering from bleeding between neighbours
}

MaskAtlas::MaskAtlas(SDL_Renderer* renderer, int side) : m_renderer(renderer), m_side(side) {
  m_texture.reset(
      SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, side, side));
  if (m_texture) SDL_SetTextureBlendMode(m_texture.get(), SDL_BLENDMODE_BLEND);
}

void MaskAtlas::reset() {
  m_slots.clear();
  m_shelf_x = m_shelf_y = m_shelf_height = 0;
}

std::optional<SDL_Rect> MaskAtlas::place(std::uint64_t key, std::uint32_t rgb,
                                         const AlphaMask& mask) {
  if (!m_texture || mask.width <= 0 || mask.height <= 0) return std::nullopt;
  if (auto it = m_slots.find({key, rgb}); it != m_slots.end()) return it->second;
  if (mask.width + k_padding > m_side || mask.height + k_padding > m_side) return std::nullopt;

  if (m_shelf_x + mask.width + k_padding > m_side) {  // next shelf
    m_shelf_y += m_shelf_height;
    m_shelf_x = 0;
    m_shelf_height = 0;
  }
  if (m_shelf_y + mask.height + k_padding > m_side) reset();

  SDL_Rect slot{m_shelf_x, m_shelf_y, mask.width, mask.height};
  // Pixels of the colour drawn, whose alpha is the coverage.
  std::vector<std::uint32_t> argb(static_cast<std::size_t>(mask.width) *
                                  static_cast<std::size_t>(mask.height));
  for (int y = 0; y < mask.height; ++y) {
    const std::uint8_t* row = mask.pixels + static_cast<std::ptrdiff_t>(y) * mask.pitch;
    for (int x = 0; x < mask.width; ++x) {
      argb[static_cast<std::size_t>(y * mask.width + x)] = (std::uint32_t{row[x]} << 24) | rgb;
    }
  }
  SDL_UpdateTexture(m_texture.get(), &slot, argb.data(), mask.width * 4);
  ++m_uploads;

  m_shelf_x += mask.width + k_padding;
  if (mask.height + k_padding > m_shelf_height) m_shelf_height = mask.height + k_padding;
  m_slots.emplace(SlotKey{key, rgb}, slot);
  return slot;
}

}  // namespace shubbak::sdl
