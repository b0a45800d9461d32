// Durations as written in config files and flags: "1h30m", "500ms".

#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "sched/config.h"
#include "sched/error.h"

namespace sched {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t ms;
};

// In the only order they may appear. "ms" comes before "m" in matching
// (see match_unit) but after it in size.
constexpr std::array<Unit, 5> kUnits{{
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

[[noreturn]] void fail(std::string_view text) {
  throw Error(ErrorCode::invalid_argument,
              "invalid duration \"" + std::string(text) +
                  "\": expected a number with a unit, such as 500ms, 30s, 5m, 2h, 7d or 1h30m");
}

[[noreturn]] void too_large(std::string_view text) {
  throw Error(ErrorCode::invalid_argument, "invalid duration \"" + std::string(text) + "\": too large");
}

// The index in kUnits of the unit at the start of `rest`, or kUnits.size().
std::size_t match_unit(std::string_view rest) {
  if (rest.starts_with("ms")) return 4;
  for (std::size_t i = 0; i < 4; ++i) {
    if (rest.starts_with(kUnits[i].suffix)) return i;
  }
  return kUnits.size();
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // units before this one are used up
  std::size_t pos = 0;
  if (text.empty()) fail(text);
  while (pos < text.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      const std::int64_t digit = text[pos] - '0';
      if (number > (kMax - digit) / 10) too_large(text);
      number = number * 10 + digit;
      ++pos;
      ++digits;
    }
    if (digits == 0 || number == 0) fail(text);
    const std::size_t unit = match_unit(text.substr(pos));
    if (unit == kUnits.size() || unit < next_unit) fail(text);
    pos += kUnits[unit].suffix.size();
    next_unit = unit + 1;
    if (number > (kMax - total) / kUnits[unit].ms) too_large(text);
    total += number * kUnits[unit].ms;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  const std::int64_t count = d.count();
  if (count == 0) return "0ms";
  std::string out = count < 0 ? "-" : "";
  // Unsigned, so that the most negative count has a magnitude too.
  std::uint64_t left = count < 0 ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
  for (const Unit& unit : kUnits) {
    const auto size = static_cast<std::uint64_t>(unit.ms);
    if (left / size == 0) continue;
    out += std::to_string(left / size);
    out += unit.suffix;
    left %= size;
  }
  return out;
}

}  // namespace sched
