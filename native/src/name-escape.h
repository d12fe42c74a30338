#pragma once
// File names are bytes; JavaScript strings are UTF-16. A name crosses into JS as UTF-8
// text with each byte that is not part of a valid UTF-8 sequence as the lone surrogate
// U+DC00 + byte (U+DC80..U+DCFF, "surrogateescape"), and comes back as exactly its bytes.
// Valid UTF-8 never encodes a surrogate, so no escaped name equals a valid one.
// protocol/name-bytes.ts is the same rule in TypeScript (docs/json.md, "Names").

#include <string>
#include <string_view>

namespace shm {

/** Whether `bytes` is valid UTF-8 (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF). */
bool is_valid_utf8(std::string_view bytes);

/** The UTF-16 text of `bytes`, each undecodable byte as U+DC00 + byte. */
std::u16string escape_bytes(std::string_view bytes);

/** The bytes `text` stands for into `out`; false if it holds a lone surrogate outside U+DC80..U+DCFF. */
bool unescape_bytes(std::u16string_view text, std::string& out);

}  // namespace shm
