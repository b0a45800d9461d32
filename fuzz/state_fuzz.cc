// libFuzzer target: reading a state file (sched::parse_state).
//
// Input: the file's bytes. Properties:
//  - parse_state returns a StateDocument or throws Error(state_corrupt) or
//    Error(state_version) with a one-line message; nothing else escapes;
//  - a document it returns, written with to_json, parses back equal (the
//    version aside: to_json always writes this build's), and writing that
//    again gives the same text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "sched/error.h"
#include "sched/state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<sched::StateDocument> doc;
  try {
    doc = sched::parse_state(text, "state.json");
  } catch (const sched::Error& error) {
    SCHED_FUZZ_CHECK(error.code() == sched::ErrorCode::state_corrupt || error.code() == sched::ErrorCode::state_version,
                     std::string("parse_state threw ") + sched::to_string(error.code()) + ": " + error.what());
    const std::string_view message = error.what();
    SCHED_FUZZ_CHECK(!message.empty() && message.find('\n') == std::string_view::npos,
                     "parse_state error is not one line: " + std::string(message));
    return 0;
  }

  const std::string written = sched::to_json(*doc);
  std::optional<sched::StateDocument> again;
  try {
    again = sched::parse_state(written, "state.json");
  } catch (const sched::Error& error) {
    sched_fuzz::fail(std::string("to_json wrote a file parse_state refuses: ") + error.what() + "\n" + written);
  }
  doc->version = sched::kStateVersion;
  SCHED_FUZZ_CHECK(*again == *doc, "the document read back differs from the one written:\n" + written);
  const std::string rewritten = sched::to_json(*again);
  SCHED_FUZZ_CHECK(rewritten == written, "to_json is not stable:\n" + written + "\nthen\n" + rewritten);
  return 0;
}
