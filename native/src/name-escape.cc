#include "name-escape.h"

#include <cstdint>

namespace shm {

namespace {

constexpr char16_t kEscapeBase = 0xdc00;

/** Length of the valid UTF-8 sequence at `i`, or 0 if none starts there (RFC 3629 §4). */
size_t sequence_length(std::string_view bytes, size_t i) {
  const auto at = [&](size_t k) -> int { return i + k < bytes.size() ? static_cast<uint8_t>(bytes[i + k]) : -1; };
  const auto cont = [&](size_t k, int low = 0x80, int high = 0xbf) { return at(k) >= low && at(k) <= high; };
  const int lead = at(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    // E0: no overlong forms; ED: no surrogates.
    return cont(1, lead == 0xe0 ? 0xa0 : 0x80, lead == 0xed ? 0x9f : 0xbf) && cont(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    // F0: no overlong forms; F4: nothing above U+10FFFF.
    return cont(1, lead == 0xf0 ? 0x90 : 0x80, lead == 0xf4 ? 0x8f : 0xbf) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
  }
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const size_t length = sequence_length(bytes, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::u16string escape_bytes(std::string_view bytes) {
  std::u16string text;
  text.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const size_t length = sequence_length(bytes, i);
    const auto byte = [&](size_t k) -> char32_t { return static_cast<uint8_t>(bytes[i + k]); };
    char32_t code = 0;
    switch (length) {
      case 0: text.push_back(static_cast<char16_t>(kEscapeBase + byte(0))); break;
      case 1: code = byte(0); break;
      case 2: code = ((byte(0) & 0x1f) << 6) | (byte(1) & 0x3f); break;
      case 3: code = ((byte(0) & 0x0f) << 12) | ((byte(1) & 0x3f) << 6) | (byte(2) & 0x3f); break;
      default:
        code = ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3f) << 12) | ((byte(2) & 0x3f) << 6) | (byte(3) & 0x3f);
    }
    if (length == 4) {
      text.push_back(static_cast<char16_t>(0xd800 + ((code - 0x10000) >> 10)));
      text.push_back(static_cast<char16_t>(0xdc00 + ((code - 0x10000) & 0x3ff)));
    } else if (length != 0) {
      text.push_back(static_cast<char16_t>(code));
    }
    i += length == 0 ? 1 : length;
  }
  return text;
}

bool unescape_bytes(std::u16string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char16_t unit = text[i];
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const char16_t low = i + 1 < text.size() ? text[i + 1] : 0;
      if (low < 0xdc00 || low > 0xdfff) return false;
      append_utf8(out, 0x10000 + ((static_cast<char32_t>(unit) - 0xd800) << 10) + (low - 0xdc00));
      ++i;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      if (unit < kEscapeBase + 0x80 || unit > kEscapeBase + 0xff) return false;
      out.push_back(static_cast<char>(unit - kEscapeBase));
    } else {
      append_utf8(out, unit);
    }
  }
  return true;
}

}  // namespace shm
