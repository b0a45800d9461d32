#pragma once
// Private JSON text helpers of the state file: a strict reader that its
// caller drives member by member, and string escaping for the writer.
// nlohmann's parser reads a 10,000-job state file three times slower (its
// lexer copies every byte for its messages); this one also places every
// problem at a line and column itself.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

namespace sched::detail {

using Json = nlohmann::ordered_json;

// What JsonReader throws: "line L, column C: <what was wrong>".
struct JsonProblem {
  std::string text;
};

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong forms,
// no surrogates, nothing past U+10FFFF), or 0.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const unsigned c = at(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    lo = c == 0xE0 ? 0xA0 : lo;
    hi = c == 0xED ? 0x9F : hi;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    lo = c == 0xF0 ? 0x90 : lo;
    hi = c == 0xF4 ? 0x8F : hi;
  } else {
    return 0;
  }
  if (at(1) < lo || at(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((at(k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Whether byte c stands for itself inside a JSON string, in the reader and
// the writer alike: printable ASCII other than '"' and '\'. Everything else
// (control characters, escapes, UTF-8 sequences) takes the slow path.
inline constexpr auto kPlainByte = [] {
  struct Table {
    bool at[256] = {};
  } table;
  for (unsigned c = 0x20; c < 0x80; ++c) table.at[c] = c != '"' && c != '\\';
  return table;
}();

// JSON's whitespace: space, \n, \r, \t.
inline constexpr auto kSpaceByte = [] {
  struct Table {
    bool at[256] = {};
  } table;
  for (const char c : {' ', '\n', '\r', '\t'}) table.at[static_cast<unsigned char>(c)] = true;
  return table;
}();

inline bool is_plain(char c) { return kPlainByte.at[static_cast<unsigned char>(c)]; }

// A JSON string literal. Bytes that are not UTF-8 become U+FFFD, so that
// every file written parses again.
inline void put_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    std::size_t run = i;
    while (run < s.size() && is_plain(s[run])) ++run;
    out.append(s, i, run - i);
    if ((i = run) == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length(s, i);
    if (c >= 0x80) {
      out.append(n == 0 ? std::string_view("\xEF\xBF\xBD") : s.substr(i, n));
      i += n == 0 ? 1 : n;
      continue;
    }
    static constexpr std::string_view kShort[] = {{"\\b"}, {"\\t"}, {"\\n"}, {""}, {"\\f"}, {"\\r"}};
    char escaped[8];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += s[i];
    } else if (c >= '\b' && c <= '\r' && c != 0x0B) {
      out += kShort[c - '\b'];
    } else {
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    }
    ++i;
  }
  out += '"';
}

// The writer's pieces: a number as to_chars writes it, and a member's key
// on a new line at `indent` spaces, after a comma unless it is the first.
template <typename T>
void put_number(std::string& out, T value) {
  char buffer[24];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

inline void put_key(std::string& out, int indent, std::string_view key, bool first = false) {
  if (!first) out += ',';
  out += '\n';
  out.append(static_cast<std::size_t>(indent), ' ');
  put_json_string(out, key);
  out += ": ";
}

// "a string", "the number 5.5", "an object", … for messages.
inline std::string describe(const Json& v) {
  if (v.is_number()) return "the number " + v.dump();
  if (v.is_null()) return "null";
  return std::string(v.is_object() || v.is_array() ? "an " : "a ") + v.type_name();
}

// A strict JSON reader (RFC 8259) that the state format drives: the caller
// reads each member as the type it must have. Problems carry the line and
// column (counted in bytes, from 1) where they were found.
class JsonReader {
 public:
  JsonReader(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

  char peek() {
    while (pos_ < text_.size() && kSpaceByte.at[static_cast<unsigned char>(text_[pos_])]) ++pos_;
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }

  // Calls member(key) for each member of an object; it must read the value.
  // `key` (a std::string_view) is valid until member returns: it points into
  // the text, or for a key with escapes or UTF-8, into a decoded copy.
  template <typename F>
  void object(F&& member) {
    expect('{', "'{'");
    if (consume('}')) return;
    std::string decoded;
    do {
      if (peek() != '"') unexpected("a member name");
      std::string_view key;
      if (!plain_string(key)) {
        decoded = string();
        key = decoded;
      }
      expect(':', "':'");
      member(key);
    } while (consume(','));
    expect('}', "',' or '}'");
  }

  // Calls element() for each element of an array; it must read the element.
  template <typename F>
  void array(F&& element) {
    expect('[', "'['");
    if (consume(']')) return;
    do {
      element();
    } while (consume(','));
    expect(']', "',' or ']'");
  }

  // Any value; `depth` counts the containers it is in, itself included.
  Json value(int depth) {
    const char c = peek();
    if ((c == '{' || c == '[') && depth > max_depth_) {
      fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
    if (c == '{') {
      Json out = Json::object();
      object([&](std::string_view key) { out[std::string(key)] = value(depth + 1); });
      return out;
    }
    if (c == '[') {
      Json out = Json::array();
      array([&] { out.push_back(value(depth + 1)); });
      return out;
    }
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    for (const auto& [word, literal] : {std::pair{"true", Json(true)}, {"false", Json(false)}, {"null", Json()}}) {
      if (text_.substr(pos_).starts_with(word)) {
        pos_ += std::char_traits<char>::length(word);
        return literal;
      }
    }
    unexpected("a value");
  }

  // Fast paths for the forms a state file is made of. Each reads a whole
  // value of the form it names and returns true, or consumes nothing but
  // whitespace and returns false; the caller then reads the value with
  // value(), whose result and messages are the reference. What they accept,
  // value() reads to the same result.

  // A string of printable ASCII without escapes; `out` points into the text.
  bool plain_string(std::string_view& out) {
    if (peek() != '"') return false;
    std::size_t end = pos_ + 1;
    while (end < text_.size() && is_plain(text_[end])) ++end;
    if (end == text_.size() || text_[end] != '"') return false;
    out = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return true;
  }

  // `true`, `false` or `null` (as value() reads them: by their first bytes).
  bool literal(std::string_view word) {
    if (peek() != word.front() || !text_.substr(pos_).starts_with(word)) return false;
    pos_ += word.size();
    return true;
  }

  // An integer without fraction or exponent that fits `T` (std::uint64_t:
  // no minus sign; std::int64_t: either sign).
  template <typename T>
  bool plain_integer(T& out) {
    const char first = peek();
    if (!(first >= '0' && first <= '9') && !(std::is_signed_v<T> && first == '-')) return false;
    std::size_t end = pos_ + (first == '-' ? 1 : 0);
    if (end < text_.size() && text_[end] == '0') {
      ++end;
    } else {
      const std::size_t from = end;
      while (end < text_.size() && text_[end] >= '0' && text_[end] <= '9') ++end;
      if (end == from) return false;
    }
    if (end < text_.size() && (text_[end] == '.' || text_[end] == 'e' || text_[end] == 'E')) return false;
    const char* const begin = text_.data() + pos_;
    const char* const stop = text_.data() + end;
    const auto [ptr, error] = std::from_chars(begin, stop, out);
    if (error != std::errc{} || ptr != stop) return false;
    pos_ = end;
    return true;
  }

  // Where the reader is, and a way back there: a caller whose fast path met
  // a value it does not take reads it again with value().
  std::size_t position() const { return pos_; }
  void rewind(std::size_t position) { pos_ = position; }

  void end() {
    if (peek() != '\0' || pos_ != text_.size()) unexpected("the end of the file");
  }

  [[noreturn]] void fail(const std::string& what) const {
    const std::string_view before = text_.substr(0, pos_);
    const std::size_t newline = before.rfind('\n');
    throw JsonProblem{"line " + std::to_string(1 + std::count(before.begin(), before.end(), '\n')) + ", column " +
                      std::to_string(newline == std::string_view::npos ? pos_ + 1 : pos_ - newline) + ": " + what};
  }

 private:
  bool consume(char c) {
    if (peek() != c || pos_ == text_.size()) return false;
    ++pos_;
    return true;
  }

  void expect(char c, const char* what) {
    if (!consume(c)) unexpected(what);
  }

  [[noreturn]] void unexpected(const char* expected) {
    char found[32] = "end of file";
    if (peek() != '\0' || pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      std::snprintf(found, sizeof found, c >= 0x20 && c < 0x7F ? "'%c'" : "byte 0x%02X", c);
    }
    fail(std::string("unexpected ") + found + "; expected " + expected);
  }

  std::string string() {
    std::string out;
    for (++pos_;;) {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && is_plain(text_[pos_])) ++pos_;
      out.append(text_, start, pos_ - start);
      if (pos_ == text_.size()) fail("unexpected end of file in a string");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        escape(out);
      } else if (c < 0x20) {
        char what[64];
        std::snprintf(what, sizeof what, "control character U+%04X in a string; write it as \\u%04x", c, c);
        fail(what);
      } else if (const std::size_t n = utf8_length(text_, pos_); n != 0) {
        out.append(text_, pos_, n);
        pos_ += n;
      } else {
        unexpected("UTF-8 text in a string");
      }
    }
  }

  void escape(std::string& out) {
    const char e = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    const std::string_view plain = "\"\\/bfnrt", meaning = "\"\\/\b\f\n\r\t";
    if (const std::size_t k = plain.find(e); e != '\0' && k != std::string_view::npos) {
      out += meaning[k];
      pos_ += 2;
      return;
    }
    if (e != 'u') fail("invalid escape in a string");
    unsigned code = hex4();
    if (code >= 0xD800 && code <= 0xDBFF) {  // a high surrogate: its low half must follow
      const unsigned low = text_.substr(pos_).starts_with("\\u") ? hex4() : 0;
      if (low < 0xDC00 || low > 0xDFFF) fail("invalid string: a \\u surrogate pair is incomplete");
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    } else if (code >= 0xDC00 && code <= 0xDFFF) {
      fail("invalid string: a \\u surrogate pair is incomplete");
    }
    const int n = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    static constexpr unsigned kLead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    out += static_cast<char>(n == 1 ? code : kLead[n] | (code >> (6 * (n - 1))));
    for (int k = n - 2; k >= 0; --k) out += static_cast<char>(0x80 | ((code >> (6 * k)) & 0x3F));
  }

  // Reads "\uXXXX" at pos_.
  unsigned hex4() {
    unsigned code = 0;
    const char* const digits = text_.data() + pos_ + 2;
    if (text_.size() - pos_ < 6 || std::from_chars(digits, digits + 4, code, 16).ptr != digits + 4) {
      fail("invalid string: \\u needs four hex digits");
    }
    pos_ += 6;
    return code;
  }

  // Integers that fit 64 bits stay integers, others become doubles, as in
  // nlohmann::json.
  Json number() {
    const std::size_t start = pos_;
    const auto digits = [&] {
      const std::size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      if (pos_ == from) unexpected("a digit");
    };
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else {
      digits();
    }
    const std::size_t integer_end = pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') ++pos_, digits();
    bool negative_exponent = false;
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      negative_exponent = pos_ < text_.size() && text_[pos_] == '-';
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      digits();
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    std::uint64_t u = 0;
    std::int64_t i = 0;
    if (integer_end == pos_ && *first != '-' && std::from_chars(first, last, u).ec == std::errc{}) return u;
    if (integer_end == pos_ && *first == '-' && std::from_chars(first, last, i).ec == std::errc{}) return i;
    double d = 0;
    if (std::from_chars(first, last, d).ec == std::errc{}) return d;
    if (negative_exponent) return *first == '-' ? -0.0 : 0.0;  // too small for a double
    pos_ = start;
    fail("number out of range: " + std::string(first, last));
  }

  std::string_view text_;
  int max_depth_;
  std::size_t pos_ = 0;
};

}  // namespace sched::detail
