#pragma once
// Instants and their text forms. Instants are UTC (date::sys_time); local wall
// times are date::local_time and never mix with instants implicitly.

#include <chrono>
#include <string>
#include <string_view>

#include <date/date.h>

namespace sched {

class Zone;

// Fire times are whole seconds; clocks and state files carry milliseconds.
using Instant = date::sys_seconds;
using InstantMs = date::sys_time<std::chrono::milliseconds>;
using LocalTime = date::local_seconds;

// "2024-01-15T08:00:00.000Z": RFC 3339, UTC, always with milliseconds.
std::string format_rfc3339(InstantMs t);
// The same text appended to `out`, for lines built on hot paths: a separate
// string of 24 bytes is a heap allocation.
void append_rfc3339(std::string& out, InstantMs t);

// "Sun 2024-03-10 03:00:00 -04:00 EDT": the wall time in `zone` with its offset.
std::string format_local(Instant t, const Zone& zone);

// Parses a time given by a user. Accepts RFC 3339 with `Z` or an offset
// ("2024-03-10T06:30:00Z", "2024-03-10T01:30:00.250-05:00"), and a wall time
// without offset ("2024-03-10T01:30", "2024-03-10 01:30:00", "2024-03-10"),
// which is read in `zone`: a wall time that occurs twice means its first
// occurrence; one that does not exist (a DST gap) is an error.
// Throws Error(invalid_time) naming the text and the accepted forms.
InstantMs parse_time(std::string_view text, const Zone& zone);

// Parses the strict RFC 3339 form written by format_rfc3339 and other tools
// (`Z` or an offset, optional fraction). Returns false on anything else.
bool parse_rfc3339(std::string_view text, InstantMs& out);

}  // namespace sched
