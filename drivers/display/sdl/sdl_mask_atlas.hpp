// Glyph and icon masks packed into one SDL texture, so a frame of text is many copies from a
// single texture and a mask is uploaded once, not once a frame. Shelf packing; when the atlas is
// full it is emptied and refilled by the masks still in use (SDL flushes pending copies that
// read the texture before it is updated, so this is safe mid-frame).
//
// A mask is stored already in the colour it is drawn in (one slot per mask and colour; a screen
// uses a handful of colours). Drawn without colour modulation, SDL's software renderer blends it
// with its SIMD per-pixel-alpha blitter instead of the generic modulating one: about 1.7 ns a
// glyph pixel instead of 5.9 (tests/bench/languages), which keeps scripts with large glyphs
// (Tamil, Malayalam) near Arabic's frame time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>

#include "drivers/display/canvas.hpp"
#include "drivers/display/sdl/sdl_handles.hpp"

namespace shubbak::sdl {

class MaskAtlas {
 public:
  MaskAtlas(SDL_Renderer* renderer, int side);

  // Where the mask, in colour `rgb` (0xRRGGBB), sits in the atlas texture, uploading it first if
  // it is new.
  std::optional<SDL_Rect> place(std::uint64_t key, std::uint32_t rgb, const AlphaMask& mask);
  SDL_Texture* texture() const { return m_texture.get(); }
  std::uint64_t uploads() const { return m_uploads; }

 private:
  void reset();

  SDL_Renderer* m_renderer;
  int m_side;
  TexturePtr m_texture;
  struct SlotKey {
    std::uint64_t mask;
    std::uint32_t rgb;
    friend bool operator==(const SlotKey&, const SlotKey&) = default;
  };
  struct SlotKeyHash {
    std::size_t operator()(const SlotKey& k) const {
      return std::hash<std::uint64_t>{}(k.mask ^ (std::uint64_t{k.rgb} * 0x9e3779b97f4a7c15ULL));
    }
  };
  std::unordered_map<SlotKey, SDL_Rect, SlotKeyHash> m_slots;
  int m_shelf_x = 0, m_shelf_y = 0, m_shelf_height = 0;
  std::uint64_t m_uploads = 0;
};

}  // namespace shubbak::sdl
