#pragma once
// Messages echo what the user wrote, and every message is one line: the
// control characters such text can carry (a newline in a quoted TOML key, a
// tab or carriage return in a schedule) are written as escapes instead.

#include <cstdio>
#include <string>
#include <string_view>

namespace sched::detail {

// `text` with \n, \r and \t written as those two-character escapes, other
// bytes below 0x20 and 0x7F as \xNN; every other byte as it is.
inline std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7F) {
      out += c;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      out += escaped;
    }
  }
  return out;
}

}  // namespace sched::detail
