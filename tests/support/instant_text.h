#pragma once
// Instants written in test tables as "YYYY-MM-DDTHH:MM:SSZ", read here with
// calendar arithmetic so that tests do not depend on sched's own parser.

#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "sched/time.h"

namespace sched::test {

inline Instant at(std::string_view s) {
  REQUIRE(s.size() == 20);
  REQUIRE(s[4] == '-');
  REQUIRE(s[7] == '-');
  REQUIRE(s[10] == 'T');
  REQUIRE(s[13] == ':');
  REQUIRE(s[16] == ':');
  REQUIRE(s[19] == 'Z');
  auto field = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, v);
    REQUIRE(ec == std::errc{});
    REQUIRE(p == s.data() + pos + len);
    return v;
  };
  const date::year_month_day ymd{date::year{field(0, 4)}, date::month{static_cast<unsigned>(field(5, 2))},
                                 date::day{static_cast<unsigned>(field(8, 2))}};
  REQUIRE(ymd.ok());
  return date::sys_days{ymd} + std::chrono::hours{field(11, 2)} + std::chrono::minutes{field(14, 2)} +
         std::chrono::seconds{field(17, 2)};
}

// The same form back, or `none` for an empty answer.
inline std::string show(const std::optional<Instant>& t, const char* none = "never") {
  return t ? date::format("%FT%TZ", *t) : std::string{none};
}

}  // namespace sched::test
