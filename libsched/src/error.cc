#include "sched/error.h"

namespace sched {

const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_schedule: return "invalid_schedule";
    case ErrorCode::unknown_zone: return "unknown_zone";
    case ErrorCode::invalid_time: return "invalid_time";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::state_corrupt: return "state_corrupt";
    case ErrorCode::state_version: return "state_version";
    case ErrorCode::state_busy: return "state_busy";
    case ErrorCode::scheduler_running: return "scheduler_running";
    case ErrorCode::io: return "io";
    case ErrorCode::job_not_found: return "job_not_found";
    case ErrorCode::job_exists: return "job_exists";
    case ErrorCode::invalid_job: return "invalid_job";
    case ErrorCode::invalid_config: return "invalid_config";
    case ErrorCode::job_from_config: return "job_from_config";
  }
  return "unknown";
}

}  // namespace sched
