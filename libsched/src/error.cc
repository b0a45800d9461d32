#include "sched/error.h"

namespace sched {

const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_schedule: return "invalid_schedule";
    case ErrorCode::unknown_zone: return "unknown_zone";
    case ErrorCode::invalid_time: return "invalid_time";
    case ErrorCode::invalid_argument: return "invalid_argument";
  }
  return "unknown";
}

}  // namespace sched
