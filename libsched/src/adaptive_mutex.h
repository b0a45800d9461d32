#pragma once
// Turns a std::mutex into one that spins for a moment before its waiter
// sleeps (glibc's adaptive mutex), where the C library has one.

#include <pthread.h>

#include <mutex>
#include <type_traits>

namespace sched::detail {

// For a mutex held for about a microsecond at a time by many threads, such
// as the engine's, which every worker takes to hand a run on: a waiter that
// sleeps costs a futex sleep and wake-up, tens of microseconds on a busy
// machine, far more than the wait it avoids. Call it on a mutex nobody has
// used yet; elsewhere it leaves the mutex as it is.
inline void make_adaptive(std::mutex& mutex) {
#if defined(__GLIBC__) && defined(PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP)
  static_assert(std::is_same_v<std::mutex::native_handle_type, pthread_mutex_t*>);
  // What std::mutex's own initialisation does, with the adaptive kind.
  *mutex.native_handle() = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
#else
  (void)mutex;
#endif
}

}  // namespace sched::detail
