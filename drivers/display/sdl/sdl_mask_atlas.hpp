// Glyph and icon masks packed into one SDL texture, so a frame of text is many copies from a
// single texture and a mask is uploaded once, not once a frame. Shelf packing; when the atlas is
// full it is emptied and refilled by the masks still in use (SDL flushes pending copies that
// read the texture before it is updated, so this is safe mid-frame).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "drivers/display/canvas.hpp"
#include "drivers/display/sdl/sdl_handles.hpp"

namespace shubbak::sdl {

class MaskAtlas {
 public:
  MaskAtlas(SDL_Renderer* renderer, int side);

  // Where the mask sits in the atlas texture, uploading it first if it is new.
  std::optional<SDL_Rect> place(std::uint64_t key, const AlphaMask& mask);
  SDL_Texture* texture() const { return m_texture.get(); }
  std::uint64_t uploads() const { return m_uploads; }

 private:
  void reset();

  SDL_Renderer* m_renderer;
  int m_side;
  TexturePtr m_texture;
  std::unordered_map<std::uint64_t, SDL_Rect> m_slots;
  int m_shelf_x = 0, m_shelf_y = 0, m_shelf_height = 0;
  std::uint64_t m_uploads = 0;
};

}  // namespace shubbak::sdl
